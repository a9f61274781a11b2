import Joi from 'joi';
import {
  component,
  DATE_OR_DATE_TIME,
  inputObject,
  jsonObject,
  openApiKeywords,
  timestamp,
  uuid,
} from '../../http/schemas';

export const EVENT_TYPE_PATTERN = /^[a-z][a-z0-9_.]{1,63}$/;
export const MAX_EVENTS_PER_BATCH = 100;
export const PROPERTIES_MAX_BYTES = 8 * 1024;
/** Client clocks drift; an event further in the future than this is refused. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;
/**
 * How far back a client may date an event: an offline client's queue, not a rewrite of history (an event
 * from 2020 would change summaries long read and acted on).
 */
export const MAX_EVENT_AGE_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Event types the server records itself (`recordEvent`), reserved: a client sending one would forge what
 * the server vouches for (an `export.created` or a `plan.changed` that never happened). The service's
 * `ServerEventType` is made from this list, so a new server event cannot be left out of it.
 */
export const SERVER_EVENT_TYPES = [
  'user.registered',
  'user.login',
  'user.password_reset',
  'project.created',
  'story.created',
  'image.created',
  'drawing.created',
  'template.used',
  'export.created',
  'plan.changed',
] as const;

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
/** A date-time must say its offset: a bare local time would depend on the server's time zone. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

/** `YYYY-MM-DD` (midnight UTC) or an ISO 8601 date-time with `Z` or an offset → Date; null otherwise. */
function parseIsoDate(value: string): Date | null {
  const dateOnly = DATE_ONLY.test(value);
  if (!dateOnly && !DATE_TIME.test(value)) return null;
  const date = new Date(dateOnly ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime())) return null;
  const year = date.getUTCFullYear();
  if (year < 1970 || year > 9999) return null;
  // Refuses dates JS would roll over (2024-02-30 → March 1st).
  if (dateOnly && date.toISOString().slice(0, 10) !== value) return null;
  return date;
}

const ISO_FORM_MESSAGE = '{{#label}} must be an ISO 8601 date (YYYY-MM-DD) or date-time with a time zone';

const isoDateOrDateTime = Joi.string()
  .custom((value: string, helpers) => parseIsoDate(value) ?? helpers.error('date.isoForm'), 'ISO 8601 date')
  .messages({ 'date.isoForm': ISO_FORM_MESSAGE })
  .meta(DATE_OR_DATE_TIME);

/**
 * An event's time: like the range bounds, at most MAX_CLOCK_SKEW_MS ahead of the server's clock and at most
 * MAX_EVENT_AGE_MS behind it.
 */
const occurredAt = Joi.string()
  .custom((value: string, helpers) => {
    const date = parseIsoDate(value);
    if (!date) return helpers.error('date.isoForm');
    const now = Date.now();
    if (date.getTime() > now + MAX_CLOCK_SKEW_MS) return helpers.error('date.future');
    if (date.getTime() < now - MAX_EVENT_AGE_MS) return helpers.error('date.tooOld');
    return date;
  }, 'ISO 8601 date, from 7 days ago to 5 minutes ahead')
  .messages({
    'date.isoForm': ISO_FORM_MESSAGE,
    'date.future': '{{#label}} must not be more than 5 minutes in the future',
    'date.tooOld': '{{#label}} must not be more than 7 days in the past',
  })
  .meta(DATE_OR_DATE_TIME);

/** What `SummaryQuery` validates to: the bounds parsed to Dates. */
export interface SummaryInput {
  from?: Date;
  to?: Date;
}

export const SummaryQuery = inputObject<SummaryInput>({
  from: isoDateOrDateTime.description('Inclusive; default: 30 days before `to`'),
  to: isoDateOrDateTime.description('Exclusive; default: the start of tomorrow (UTC)'),
})
  .custom((value: SummaryInput, helpers) =>
    value.from && value.to && value.from.getTime() >= value.to.getTime()
      ? helpers.error('range.order')
      : value,
  )
  .messages({ 'range.order': '"from" must be before "to"' });

/** One event of `IngestBody`, as validated (`occurredAt` parsed to a Date). */
export interface ClientEvent {
  type: string;
  projectId?: string;
  properties?: Record<string, unknown>;
  occurredAt?: Date;
}

export interface IngestInput {
  events: ClientEvent[];
}

const ClientEventSchema = inputObject<ClientEvent>({
  type: Joi.string()
    .pattern(EVENT_TYPE_PATTERN)
    .invalid(...SERVER_EVENT_TYPES)
    .required()
    .description(
      'e.g. `editor.opened`: a-z first, then 1..63 of a-z, 0-9, `_` and `.`; not one of the types the ' +
        'server records itself (listed here as `not`)',
    )
    .meta(openApiKeywords({ maxLength: 64 }))
    .messages({
      'string.pattern.base': '{{#label}} must be 2..64 characters of a-z, 0-9, _ and ., starting with a-z',
      'any.invalid': '{{#label}} is an event type the server records itself; clients may not send it',
    }),
  projectId: uuid.description("One of the caller's projects (else the batch is refused with 404)"),
  properties: jsonObject(PROPERTIES_MAX_BYTES).description('Free JSON, at most 8 KB'),
  occurredAt: occurredAt.description(
    'When it happened (default: when received); at most 7 days in the past and 5 minutes in the future',
  ),
});

export const IngestBody = Joi.object<IngestInput, true>({
  events: Joi.array().items(ClientEventSchema).min(1).max(MAX_EVENTS_PER_BATCH).required(),
});

export const AcceptedSchema = component(
  'EventsAccepted',
  Joi.object({ accepted: Joi.number().integer().min(1).required() }),
);

const DayCount = component(
  'DayCount',
  Joi.object({
    date: Joi.string().pattern(DATE_ONLY).required().description('UTC day, YYYY-MM-DD'),
    count: Joi.number().integer().min(0).required(),
  }),
);

const summaryFields = {
  from: timestamp.required(),
  to: timestamp.required(),
  // A map: `.pattern()` would not reach the OpenAPI document as additionalProperties.
  byType: Joi.object().unknown(true).required().description('Event count per type: `{ "<type>": <count> }`'),
  byDay: Joi.array()
    .items(DayCount)
    .required()
    .description('Events per UTC day, oldest first; days without events are left out'),
};

export const SummarySchema = component('AnalyticsSummary', Joi.object(summaryFields));

export const AdminSummarySchema = component(
  'AdminAnalyticsSummary',
  Joi.object({
    ...summaryFields,
    activeUsersByDay: Joi.array()
      .items(DayCount)
      .required()
      .description('Distinct users with at least one event, per UTC day'),
    activeUsers: Joi.number()
      .integer()
      .min(0)
      .required()
      .description('Distinct users with events in the range'),
    totalUsers: Joi.number().integer().min(0).required().description('Accounts that exist now'),
  }),
);
