import type { AppContext, RouteModule } from '../../context';
import { defineRoute } from '../../http/route';
import { adminOnly } from '../../http/guards';
import {
  AcceptedSchema,
  AdminSummarySchema,
  IngestBody,
  SERVER_EVENT_TYPES,
  SummaryQuery,
  SummarySchema,
} from './analytics.schemas';
import * as analytics from './analytics.service';

const tags = ['Analytics'];

export const analyticsRoutes: RouteModule = (ctx: AppContext) => {
  ctx.maintenance.push({ name: 'analytics-retention', run: () => analytics.purgeExpiredEvents(ctx) });

  return [
    defineRoute({
      method: 'post',
      path: '/api/analytics/events',
      tags,
      summary: 'Record a batch of usage events',
      description:
        '1..100 events. The batch is all or nothing: one invalid event refuses it with 400 (`errors[].path` ' +
        "names the event's index, e.g. `events.3.type`), a `projectId` that is not the caller's with 404. " +
        `The types the server records itself (${SERVER_EVENT_TYPES.map((type) => `\`${type}\``).join(', ')}) ` +
        'are reserved: a client event naming one → 400. `occurredAt` may ' +
        'be at most 7 days in the past and 5 minutes in the future (else 400): a queue kept offline for a ' +
        'few days still goes in, history cannot be rewritten.',
      auth: 'required',
      body: IngestBody,
      response: { status: 202, schema: AcceptedSchema, description: 'Stored' },
      errors: ['NOT_FOUND'],
      handler: async ({ userId, body }) => ({
        status: 202,
        body: { accepted: await analytics.ingestEvents(ctx, userId, body.events) },
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/analytics/summary',
      tags,
      summary: "The caller's events by type and by day",
      description:
        '`from` (inclusive) and `to` (exclusive) are ISO dates or date-times; by default the last 30 UTC ' +
        'days including today. Days are UTC days.',
      auth: 'required',
      query: SummaryQuery,
      response: { status: 200, schema: SummarySchema },
      handler: async ({ userId, query }) => ({
        body: await analytics.getUserSummary(ctx, userId, analytics.resolveRange(query)),
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/admin/analytics/summary',
      tags: [...tags, 'Admin'],
      summary: "Everyone's events by type and by day, with active users per day",
      description: 'Admins only (others: 403). Same range rules as `/api/analytics/summary`.',
      auth: 'required',
      before: [adminOnly(ctx.db)],
      query: SummaryQuery,
      response: { status: 200, schema: AdminSummarySchema },
      errors: ['FORBIDDEN'],
      handler: async ({ query }) => ({
        body: await analytics.getAdminSummary(ctx, analytics.resolveRange(query)),
      }),
    }),
  ];
};
