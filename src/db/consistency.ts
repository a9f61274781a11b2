import type { Database } from './database';

/**
 * Facts the database keeps by bookkeeping rather than by constraint, checked against what the rows say.
 * `npm run db:check` prints the problems (an operator's drift alarm); the race tests assert there are none.
 *
 * - Storage use: `users.storage_used_bytes` equals what the user's rows hold — image originals and drawing
 *   PNGs (thumbnails do not count) plus stored text (the `text_bytes` columns of migration 0010). The
 *   triggers clamp at 0 (`greatest(…, 0)`), which would hide an accounting bug that subtracts too much:
 *   this check is what shows it.
 * - Sharing: a project's owner is never also a row of project_members.
 * - Counts: each project's stored `stories_count`, `images_count` and `drawings_count` (migration 0016,
 *   moved by triggers) equal the rows its children tables hold for it.
 *
 * Each check is one query over all users, so the command stays cheap on a large database.
 */
export interface ConsistencyProblem {
  check: 'storage' | 'owner-member' | 'counts';
  detail: string;
}

const STORAGE_DRIFT = `
  WITH stored AS (
    SELECT owner, sum(bytes) AS bytes FROM (
      SELECT user_id AS owner, size_bytes::bigint AS bytes FROM images
      UNION ALL SELECT user_id, coalesce(size_bytes, 0)::bigint FROM drawings WHERE png_key IS NOT NULL
      UNION ALL SELECT user_id, text_bytes FROM drawings
      UNION ALL SELECT user_id, text_bytes FROM stories
      UNION ALL SELECT user_id, text_bytes FROM projects
      UNION ALL SELECT owner_id, text_bytes FROM templates
    ) AS rows GROUP BY owner
  )
  SELECT u.id, u.storage_used_bytes::text AS used, coalesce(s.bytes, 0)::text AS stored
    FROM users u LEFT JOIN stored s ON s.owner = u.id
   WHERE u.storage_used_bytes <> coalesce(s.bytes, 0)
   ORDER BY u.id`;

const OWNER_MEMBERS = `
  SELECT m.project_id, m.user_id FROM project_members m
    JOIN projects p ON p.id = m.project_id AND p.user_id = m.user_id
   ORDER BY m.project_id`;

const COUNT_DRIFT = `
  WITH real AS (
    SELECT project_id, sum(s)::int AS stories, sum(i)::int AS images, sum(d)::int AS drawings FROM (
      SELECT project_id, 1 AS s, 0 AS i, 0 AS d FROM stories
      UNION ALL SELECT project_id, 0, 1, 0 FROM images
      UNION ALL SELECT project_id, 0, 0, 1 FROM drawings
    ) AS rows GROUP BY project_id
  )
  SELECT p.id, p.stories_count, p.images_count, p.drawings_count,
         coalesce(r.stories, 0) AS stories, coalesce(r.images, 0) AS images, coalesce(r.drawings, 0) AS drawings
    FROM projects p LEFT JOIN real r ON r.project_id = p.id
   WHERE (p.stories_count, p.images_count, p.drawings_count)
         <> (coalesce(r.stories, 0), coalesce(r.images, 0), coalesce(r.drawings, 0))
   ORDER BY p.id`;

interface CountDriftRow {
  id: string;
  stories_count: number;
  images_count: number;
  drawings_count: number;
  stories: number;
  images: number;
  drawings: number;
}

export async function consistencyProblems(db: Database): Promise<ConsistencyProblem[]> {
  const problems: ConsistencyProblem[] = [];
  const drift = await db.query<{ id: string; used: string; stored: string }>(STORAGE_DRIFT);
  for (const row of drift.rows) {
    problems.push({
      check: 'storage',
      detail: `user ${row.id}: storage_used_bytes is ${row.used}, its rows hold ${row.stored}`,
    });
  }
  const owners = await db.query<{ project_id: string; user_id: string }>(OWNER_MEMBERS);
  for (const row of owners.rows) {
    problems.push({
      check: 'owner-member',
      detail: `project ${row.project_id}: its owner ${row.user_id} is also listed as a member`,
    });
  }
  const counts = await db.query<CountDriftRow>(COUNT_DRIFT);
  for (const row of counts.rows) {
    problems.push({
      check: 'counts',
      detail:
        `project ${row.id}: stored counts are ${row.stories_count} stories, ${row.images_count} images, ` +
        `${row.drawings_count} drawings; its rows are ${row.stories}, ${row.images}, ${row.drawings}`,
    });
  }
  return problems;
}
