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
