import Joi from 'joi';
import type { AppContext, RouteModule } from '../../context';
import { unauthenticated, validationError } from '../../http/errors';
import { component, timestamp } from '../../http/schemas';
import { defineRoute } from '../../http/route';
import { recentExportJobs, toExportJob } from '../export/export-jobs.service';
import { createWakeups } from './sync.notify';
import { liveSessions } from './sync.tickets.queries';
import { pullChanges } from './sync.service';
import { localSlots, redisSlots, StreamHub, STREAMS_PER_USER, type Pull } from './sync.stream';
import {
  issueTicket,
  purgeExpiredTickets,
  redeemTicket,
  TICKET_TTL_S,
  type StreamCaller,
} from './sync.tickets';

const tags = ['Sync'];
const BEARER = /^Bearer\s+([A-Za-z0-9\-._~+/]+=*)\s*$/i;
/** Longest cursor accepted (`since`, `Last-Event-ID`): ours are far shorter. */
const MAX_CURSOR_LENGTH = 512;

interface StreamQuery {
  since?: string;
  ticket?: string;
}

const StreamQuerySchema = Joi.object<StreamQuery, true>({
  since: Joi.string()
    .max(MAX_CURSOR_LENGTH)
    .description('A cursor of an earlier feed answer or stream event: replay what changed after it'),
  ticket: Joi.string()
    .max(128)
    .description('A ticket from `POST /api/sync/tickets`, for clients that cannot send `Authorization`'),
});

const TicketSchema = component(
  'SyncTicket',
  Joi.object({
    ticket: Joi.string().required().description('Single use; pass as `?ticket=` to the stream'),
    expiresAt: timestamp.required().description('The ticket is refused after this instant (60 s)'),
  }),
);

/**
 * The `data` of `event: change`: the `Change` that `GET /api/sync/changes` lists (sync.schemas.ts names the
 * component).
 */
const CHANGE_DATA_SCHEMA = { $ref: '#/components/schemas/Change' };

const STREAM_DESCRIPTION =
  'Server-sent events (`text/event-stream`): every change the caller can see, live (docs/sync.md). ' +
  'Authenticate with `Authorization: Bearer <accessToken>`, or, where headers cannot be set (a browser ' +
  '`EventSource`), with `?ticket=` from `POST /api/sync/tickets` (single use, 60 s; unknown, used or expired ' +
  '→ 401 `UNAUTHENTICATED`). On connect the stream replays what changed after `since` (or the ' +
  '`Last-Event-ID` header an `EventSource` sends when it reconnects; without either: the full state, as ' +
  'upserts), then sends each change within about a second of its commit, whichever server process wrote ' +
  'it. Events:\n\n' +
  '- `id: <cursor>` / `event: change` / `data: <Change JSON>` — one per change, in commit order; `data` ' +
  'is a `Change` exactly as `GET /api/sync/changes` lists it. The `id` is a cursor to resume from: ' +
  'reconnecting with it replays nothing already applied (a change may come again after a cut; applying it ' +
  'twice changes nothing).\n' +
  '- `: heartbeat` — a comment every `SYNC_HEARTBEAT_S` seconds (default 25), so proxies keep the ' +
  'connection open.\n' +
  '- `retry: <ms>` — sent before the server closes the stream for a restart: reconnect after that long.\n\n' +
  'The stream ends when the access token (the one that asked for the ticket, for a ticket) expires and ' +
  'when the session is revoked (checked every `SYNC_SESSION_CHECK_S` seconds, at most 30): reconnect with ' +
  `a fresh token. At most ${STREAMS_PER_USER} open streams per user (across server processes when ` +
  '`REDIS_URL` is set, per process otherwise); the next → 429 `RATE_LIMITED` with `Retry-After`. A ' +
  'malformed cursor → 400 `VALIDATION_ERROR`, one older than the retained change log → 410 ' +
  '`CURSOR_EXPIRED` (pull the full state again), both before the stream starts; while the server drains ' +
  'for a restart, 503 `SERVICE_UNAVAILABLE` with `Retry-After`. Never compressed. ' +
  'Later event kinds (e.g. `event: export`) carry no `id`; clients ignore kinds they do not know.';

/**
 * The caller's credential: a bearer token (with its expiry) or a ticket, used up here; 401 when its session
 * is revoked (an access token outlives its session's revocation, a stream must not).
 */
async function streamCaller(
  ctx: AppContext,
  authorization: string | undefined,
  auth: { userId: string; sessionId: string } | undefined,
  ticket: string | undefined,
): Promise<StreamCaller> {
  const caller = await credentialOf(ctx, authorization, auth, ticket);
  if (!(await liveSessions(ctx.db, [caller.sessionId])).has(caller.sessionId)) {
    throw unauthenticated('The session of this credential has been revoked: sign in again');
  }
  return caller;
}

async function credentialOf(
  ctx: AppContext,
  authorization: string | undefined,
  auth: { userId: string; sessionId: string } | undefined,
  ticket: string | undefined,
): Promise<StreamCaller> {
  if (auth) {
    const token = BEARER.exec(authorization ?? '')?.[1];
    const expiresAt = token ? ctx.tokens.expiresAt(token) : null;
    if (expiresAt === null) throw unauthenticated('The access token is invalid or expired');
    return { ...auth, expiresAt };
  }
  if (ticket === undefined) throw unauthenticated('Send an access token or a stream ticket (?ticket=)');
  return redeemTicket(ctx, ticket);
}

/** The cursor to resume from: `since`, else `Last-Event-ID` (an empty one means none). */
function resumeFrom(since: string | undefined, lastEventId: string | undefined): string | undefined {
  if (since !== undefined) return since;
  if (lastEventId === undefined || lastEventId === '') return undefined;
  if (lastEventId.length > MAX_CURSOR_LENGTH) {
    throw validationError('`Last-Event-ID` is not a cursor this server handed out', [
      { path: 'Last-Event-ID', message: `"Last-Event-ID" must be at most ${MAX_CURSOR_LENGTH} characters` },
    ]);
  }
  return lastEventId;
}

/**
 * The live stream and its tickets. `pull` is the feed's `pullChanges`; `hub` holds the process's open
 * streams (parameters so a test or a bench can give their own; the default is what the server runs).
 */
export const syncStreamRoutes: RouteModule = (
  ctx: AppContext,
  pull: Pull = pullChanges,
  hub = new StreamHub(ctx, {
    pull,
    wakeups: createWakeups(ctx),
    slots: ctx.redis ? redisSlots(ctx, ctx.redis) : localSlots(),
    jobs: async (userIds) =>
      Promise.all(
        (await recentExportJobs(ctx, userIds)).map(async (row) => ({
          id: row.id,
          userId: row.user_id,
          revision: row.revision,
          body: await toExportJob(ctx, row),
        })),
      ),
  }),
) => {
  ctx.maintenance.push({ name: 'sync-tickets', run: () => purgeExpiredTickets(ctx) });
  // Clients reconnect after 1–4 s, spread so that a restart is not a thundering herd on the next process.
  ctx.onDrain.push(() => hub.closeAll(1000 + Math.floor(Math.random() * 3000)));
  return [
    defineRoute({
      method: 'post',
      path: '/api/sync/tickets',
      tags,
      summary: 'Get a ticket to open the change stream without an Authorization header',
      description:
        'For clients that cannot set headers on the stream request (a browser `EventSource`): answers a ' +
        `ticket, valid ${TICKET_TTL_S} s and once, bound to the caller and their session: ` +
        '`GET /api/sync/stream?ticket=<ticket>` opens the stream as the caller. Only its hash is stored. A ' +
        'stream opened with it ends when the access token that asked for it expires, or when the session ' +
        'is revoked.',
      auth: 'required',
      idempotent: false,
      response: { status: 201, schema: TicketSchema, description: 'The ticket' },
      handler: async ({ auth, req }) => {
        const caller = await streamCaller(ctx, req.get('authorization'), auth, undefined);
        return { status: 201, body: await issueTicket(ctx, caller) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/sync/stream',
      tags,
      summary: 'Stream every change the caller can see (server-sent events)',
      description: STREAM_DESCRIPTION,
      auth: 'optional',
      query: StreamQuerySchema,
      response: {
        status: 200,
        description:
          'An event stream that stays open; see the description for its events. `data` of ' +
          '`event: change` follows `x-change-data`.',
        content: {
          'text/event-stream': {
            type: 'string',
            description: 'Server-sent events: `event: change` (with `id`), comments, `retry:`',
            'x-change-data': CHANGE_DATA_SCHEMA,
          },
        },
        headers: {
          'Cache-Control': { description: '`no-cache, no-store, private`' },
          'X-Accel-Buffering': { description: '`no`: nginx passes events on at once' },
        },
      },
      errors: ['UNAUTHENTICATED', 'RATE_LIMITED', 'CURSOR_EXPIRED'],
      handler: async ({ auth, req, res, query }) => {
        const caller = await streamCaller(ctx, req.get('authorization'), auth, query.ticket);
        const since = resumeFrom(query.since, req.get('last-event-id'));
        await hub.open(res, caller, since);
      },
    }),
  ];
};
