import type { AppContext } from '../../context';
import type { Database } from '../../db/database';
import { notFound } from '../../http/errors';
import * as q from './analytics.queries';
import type { ClientEvent, SERVER_EVENT_TYPES } from './analytics.schemas';

/** Event types the server records itself: the list clients may not use (see SERVER_EVENT_TYPES). */
export type ServerEventType = (typeof SERVER_EVENT_TYPES)[number];

/**
 * Records a server-side event in the caller's transaction: the event exists exactly when its action
 * committed, and it costs one small indexed INSERT on a connection the request already holds.
 *
 * Why not an after-response write: it would add no latency the client could notice (the INSERT is well
 * under a millisecond next to the action's own statements), but it could lose events (a crash or a
 * shutdown between the commit and the write) or record events for actions that rolled back, and it would
 * need a second connection per request. The same transaction has neither problem. See docs/analytics.md.
 */
export async function recordEvent(
  db: Database,
  event: {
    userId: string;
    type: ServerEventType;
    projectId?: string | null;
    properties?: Record<string, unknown>;
  },
): Promise<void> {
  await q.insertEvents(db, [{ ...event, source: 'server' }]);
}

export type { ClientEvent };

/**
 * Stores a batch the client sent (already validated: 1..100 events). All or nothing: a `projectId` that
 * is not one of the caller's projects refuses the whole batch with 404, like an invalid event does with 400.
 */
export async function ingestEvents(ctx: AppContext, userId: string, events: ClientEvent[]): Promise<number> {
  const projectIds = [...new Set(events.flatMap((e) => (e.projectId ? [e.projectId] : [])))];
  return ctx.db.transaction(async (tx) => {
    const foreign = await q.findForeignProjectIds(tx, userId, projectIds);
    if (foreign.length > 0) throw notFound('Project');
    return q.insertEvents(
      tx,
      events.map((e) => ({
        userId,
        type: e.type,
        projectId: e.projectId ?? null,
        properties: e.properties ?? {},
        occurredAt: e.occurredAt ?? null,
        source: 'client' as const,
      })),
    );
  });
}

export interface Range {
  from: Date;
  to: Date;
}

export interface Summary {
  from: string;
  to: string;
  byType: Record<string, number>;
  byDay: q.DayCount[];
}

export interface AdminSummary extends Summary {
  activeUsersByDay: q.DayCount[];
  /** Distinct users with at least one event in the range (the days' counts cannot be added up). */
  activeUsers: number;
  /** Every account that exists now. */
  totalUsers: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_RANGE_DAYS = 30;

/**
 * `from` inclusive, `to` exclusive. Without them: the last 30 UTC days including today, i.e. from the
 * start of the day 29 days ago to the start of tomorrow. Only `to`: the 30 days before it; only `from`:
 * up to the start of tomorrow.
 */
export function resolveRange(input: { from?: Date; to?: Date }, now = new Date()): Range {
  const tomorrow = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
  const to = input.to ?? tomorrow;
  const from = input.from ?? new Date(to.getTime() - DEFAULT_RANGE_DAYS * DAY_MS);
  return { from, to };
}

function summarise(range: Range, rows: q.TypeDayCount[]): Summary {
  const byType: Record<string, number> = {};
  const byDay = new Map<string, number>();
  for (const row of rows) {
    byType[row.type] = (byType[row.type] ?? 0) + row.count;
    byDay.set(row.date, (byDay.get(row.date) ?? 0) + row.count);
  }
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    byType: Object.fromEntries(Object.entries(byType).sort(([a], [b]) => a.localeCompare(b))),
    byDay: [...byDay].sort(([a], [b]) => a.localeCompare(b)).map(([date, count]) => ({ date, count })),
  };
}

/** The caller's own events in the range, by type and by UTC day (days without events are left out). */
export async function getUserSummary(ctx: AppContext, userId: string, range: Range): Promise<Summary> {
  return summarise(range, await q.countUserEvents(ctx.db, userId, range.from, range.to));
}

/** Everyone's events in the range, plus active users per day and in all. Admin only (checked by the route). */
export async function getAdminSummary(ctx: AppContext, range: Range): Promise<AdminSummary> {
  const rows = await q.countAllEvents(ctx.db, range.from, range.to);
  const active = await q.countActiveUsers(ctx.db, range.from, range.to);
  const totalUsers = await q.countUsers(ctx.db);
  return {
    ...summarise(range, rows),
    activeUsersByDay: active.byDay,
    activeUsers: active.total,
    totalUsers,
  };
}

/**
 * Deletes events older than ANALYTICS_RETENTION_DAYS, in batches so no statement holds many locks for
 * long. Run hourly by the server's maintenance timer.
 */
export async function purgeExpiredEvents(ctx: AppContext, batchSize = 5000): Promise<number> {
  const before = new Date(Date.now() - ctx.config.analyticsRetentionDays * DAY_MS);
  let removed = 0;
  for (;;) {
    const n = await q.deleteEventsBefore(ctx.db, before, batchSize);
    removed += n;
    if (n < batchSize) return removed;
  }
}
