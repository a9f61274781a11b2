import type { Database } from '../../db/database';

export interface EventInput {
  userId: string;
  type: string;
  projectId?: string | null;
  properties?: Record<string, unknown>;
  occurredAt?: Date | string | null;
  source: 'client' | 'server';
}

export async function insertEvents(db: Database, events: EventInput[]): Promise<number> {
  if (events.length === 0) return 0;
  const { rowCount } = await db.query(
    `INSERT INTO analytics_events (user_id, type, project_id, properties, occurred_at, source)
     SELECT e.user_id, e.type, e.project_id, coalesce(e.properties, '{}'::jsonb), coalesce(e.occurred_at, now()), e.source
       FROM jsonb_to_recordset($1::jsonb)
         AS e(user_id uuid, type text, project_id uuid, properties jsonb, occurred_at timestamptz, source text)`,
    [
      JSON.stringify(
        events.map((e) => ({
          user_id: e.userId,
          type: e.type,
          project_id: e.projectId ?? null,
          properties: e.properties ?? {},
          occurred_at: e.occurredAt ?? null,
          source: e.source,
        })),
      ),
    ],
  );
  return rowCount;
}

/** The ids among `projectIds` that are not projects of `userId`. */
export async function findForeignProjectIds(
  db: Database,
  userId: string,
  projectIds: string[],
): Promise<string[]> {
  if (projectIds.length === 0) return [];
  const { rows } = await db.query<{ id: string }>(
    `SELECT p.id
       FROM unnest($2::uuid[]) AS p(id)
      WHERE NOT EXISTS (SELECT 1 FROM projects WHERE id = p.id AND user_id = $1)`,
    [userId, projectIds],
  );
  return rows.map((r) => r.id);
}

export interface TypeDayCount {
  type: string;
  date: string;
  count: number;
}

export interface DayCount {
  date: string;
  count: number;
}

/**
 * Days are UTC calendar days. Rows are grouped by the date and only each group's key is formatted:
 * formatting every row (to_char) cost more than the index scan itself on a million events.
 */
const DAY = `(occurred_at AT TIME ZONE 'UTC')::date`;
const DAY_TEXT = `to_char(${DAY}, 'YYYY-MM-DD')`;

/** One user's events in [from, to) by type and day (served by analytics_events_user_time_idx). */
export async function countUserEvents(
  db: Database,
  userId: string,
  from: Date,
  to: Date,
): Promise<TypeDayCount[]> {
  const { rows } = await db.query<TypeDayCount>(
    `SELECT type, ${DAY_TEXT} AS date, count(*)::int AS count
       FROM analytics_events
      WHERE user_id = $1 AND occurred_at >= $2 AND occurred_at < $3
      GROUP BY type, ${DAY}`,
    [userId, from.toISOString(), to.toISOString()],
  );
  return rows;
}

/** Everyone's events in [from, to) by type and day (served by analytics_events_time_idx). */
export async function countAllEvents(db: Database, from: Date, to: Date): Promise<TypeDayCount[]> {
  const { rows } = await db.query<TypeDayCount>(
    `SELECT type, ${DAY_TEXT} AS date, count(*)::int AS count
       FROM analytics_events
      WHERE occurred_at >= $1 AND occurred_at < $2
      GROUP BY type, ${DAY}`,
    [from.toISOString(), to.toISOString()],
  );
  return rows;
}

/** Distinct users with at least one event, per day of [from, to) and over the whole range. */
export async function countActiveUsers(
  db: Database,
  from: Date,
  to: Date,
): Promise<{ byDay: DayCount[]; total: number }> {
  const { rows } = await db.query<{ date: string | null; count: number }>(
    `SELECT ${DAY_TEXT} AS date, count(DISTINCT user_id)::int AS count
       FROM analytics_events
      WHERE occurred_at >= $1 AND occurred_at < $2
      GROUP BY GROUPING SETS ((${DAY}), ())`,
    [from.toISOString(), to.toISOString()],
  );
  const total = rows.find((r) => r.date === null)?.count ?? 0;
  const byDay = rows
    .filter((r): r is DayCount => r.date !== null)
    .sort((a, b) => a.date.localeCompare(b.date));
  return { byDay, total };
}

/**
 * Deletes up to `limit` of the oldest events that occurred before `before`; returns how many went. The
 * ids are collected into an array first so the DELETE looks them up by primary key: with `id IN (SELECT …)`
 * the planner may hash-join against a scan of the whole table on every batch.
 */
export async function deleteEventsBefore(db: Database, before: Date, limit: number): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM analytics_events
      WHERE id = ANY (ARRAY(SELECT id FROM analytics_events WHERE occurred_at < $1 ORDER BY occurred_at LIMIT $2))`,
    [before.toISOString(), limit],
  );
  return rowCount;
}

/**
 * The number of accounts, for the overview. Analytics' own read of the users table: analytics is a leaf
 * that every feature records events into, so it imports no other module (the users module would loop back).
 */
export async function countUsers(db: Database): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
  return rows[0].n;
}
