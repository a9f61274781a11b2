import { pageWithTotal, type Database } from '../../db/database';
import { canReadSql, readableChildrenSql } from '../projects/project-access';

export interface StoryFields {
  projectId: string;
  title: string;
  content: string;
  imagePrompts: string[];
  position: number;
  metadata: Record<string, unknown>;
}

export type StoryField = keyof StoryFields;

export interface StoryRow extends StoryFields {
  id: string;
  wordCount: number;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/** Writable field → column: every SET is built from this fixed map, never from input. */
const COLUMN_OF: Record<StoryField | 'wordCount', string> = {
  projectId: 'project_id',
  title: 'title',
  content: 'content',
  imagePrompts: 'image_prompts',
  position: 'position',
  metadata: 'metadata',
  wordCount: 'word_count',
};

const STORY_COLUMNS = `s.id, s.project_id AS "projectId", s.title, s.content, s.image_prompts AS "imagePrompts",
  s.word_count AS "wordCount", s.position, s.metadata, s.version,
  s.created_at AS "createdAt", s.updated_at AS "updatedAt"`;

const STORY_ORDER = 's.position, s.created_at, s.id';
/** What the list's page needs of each readable story: its order and filter columns. */
const LIST_COLUMNS = ['id', 'project_id', 'position', 'created_at'];

/** The caller ($1 or $2 below) may read the story's project: its owner or a member (ADR 0014). */
const canRead = (userParam: string) => canReadSql('s.project_id', 's.user_id', userParam);

export async function findStories(
  db: Database,
  userId: string,
  projectId: string | null,
  limit: number,
  offset: number,
): Promise<{ rows: StoryRow[]; total: number }> {
  // The page and the total come from the order index alone (an index-only scan); only the page's rows
  // are then read whole, so a long content is never fetched for a row that is not shown.
  return pageWithTotal<StoryRow>(
    db,
    `WITH page AS (
       SELECT s.id, count(*) OVER ()::int AS total, row_number() OVER (ORDER BY ${STORY_ORDER}) AS n
         FROM ${readableChildrenSql('stories', 's', '$1', LIST_COLUMNS)}
        WHERE $2::uuid IS NULL OR s.project_id = $2::uuid
        ORDER BY ${STORY_ORDER}
        LIMIT $3 OFFSET $4
     )
     SELECT ${STORY_COLUMNS}, page.total
       FROM page JOIN stories s ON s.id = page.id
      ORDER BY page.n`,
    [userId, projectId, limit, offset],
    `SELECT count(*)::int AS total FROM ${readableChildrenSql('stories', 's', '$1', LIST_COLUMNS)}
        WHERE $2::uuid IS NULL OR s.project_id = $2::uuid`,
    [userId, projectId],
  );
}

/** Every story of one project in list order, or the first `limit` (`include=stories`). */
export async function findStoriesOfProject(
  db: Database,
  userId: string,
  projectId: string,
  limit: number | null = null,
): Promise<StoryRow[]> {
  // LIMIT NULL is no limit.
  const { rows } = await db.query<StoryRow>(
    `SELECT ${STORY_COLUMNS} FROM stories s
      WHERE s.project_id = $1 AND s.user_id = $2
      ORDER BY ${STORY_ORDER}
      LIMIT $3`,
    [projectId, userId, limit],
  );
  return rows;
}

export async function findStory(db: Database, userId: string, id: string): Promise<StoryRow | null> {
  const { rows } = await db.query<StoryRow>(
    `SELECT ${STORY_COLUMNS} FROM stories s WHERE s.id = $1 AND ${canRead('$2')}`,
    [id, userId],
  );
  return rows[0] ?? null;
}

/** The stories of `ids` the caller may read (the sync feed); any order. */
export async function findStoriesByIds(
  db: Database,
  userId: string,
  ids: readonly string[],
): Promise<StoryRow[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<StoryRow>(
    `SELECT ${STORY_COLUMNS} FROM stories s WHERE s.id = ANY($1::uuid[]) AND ${canRead('$2')}`,
    [ids, userId],
  );
  return rows;
}

export async function findStoryVersionNumber(
  db: Database,
  userId: string,
  id: string,
): Promise<number | null> {
  const { rows } = await db.query<{ version: number }>(
    `SELECT s.version FROM stories s WHERE s.id = $1 AND ${canRead('$2')}`,
    [id, userId],
  );
  return rows[0]?.version ?? null;
}

/**
 * Inserts a story. Without a position it goes after the project's last story. The (project_id, user_id)
 * foreign key refuses a project of another user even if a check above were missed.
 */
export async function insertStory(
  db: Database,
  userId: string,
  input: Omit<StoryFields, 'position'> & { position: number | null; wordCount: number },
  maxPosition: number,
): Promise<StoryRow> {
  const { rows } = await db.query<StoryRow>(
    `INSERT INTO stories AS s (user_id, project_id, title, content, image_prompts, word_count, position, metadata)
     VALUES ($1, $2, $3, $4, $5, $6,
             coalesce($7::int, (SELECT least(coalesce(max(position) + 1, 0), $9::int)
                                  FROM stories WHERE project_id = $2 AND user_id = $1)),
             $8)
     RETURNING ${STORY_COLUMNS}`,
    [
      userId,
      input.projectId,
      input.title,
      input.content,
      input.imagePrompts,
      input.wordCount,
      input.position,
      JSON.stringify(input.metadata),
      maxPosition,
    ],
  );
  return rows[0];
}

/**
 * Writes the given fields and bumps the version; If-Match is in the WHERE clause, and so is the project the
 * caller's access was checked on (`scope`: its id and owner). Null when nothing matched.
 */
export async function updateStory(
  db: Database,
  scope: { ownerId: string; projectId: string },
  id: string,
  fields: Partial<StoryFields> & { wordCount?: number },
  expectedVersion: readonly number[] | null,
): Promise<StoryRow | null> {
  const params: unknown[] = [id, scope.ownerId, expectedVersion, scope.projectId];
  const sets: string[] = [];
  for (const name of Object.keys(COLUMN_OF) as Array<keyof typeof COLUMN_OF>) {
    const value = fields[name];
    if (value === undefined) continue;
    params.push(name === 'metadata' ? JSON.stringify(value) : value);
    sets.push(`${COLUMN_OF[name]} = $${params.length}`);
  }
  sets.push('version = s.version + 1', 'updated_at = now()');
  const { rows } = await db.query<StoryRow>(
    `UPDATE stories s SET ${sets.join(', ')}
      WHERE s.id = $1 AND s.user_id = $2 AND s.project_id = $4
        AND ($3::int[] IS NULL OR s.version = ANY($3::int[]))
      RETURNING ${STORY_COLUMNS}`,
    params,
  );
  return rows[0] ?? null;
}

export async function deleteStory(
  db: Database,
  scope: { ownerId: string; projectId: string },
  id: string,
  expectedVersion: readonly number[] | null,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `DELETE FROM stories WHERE id = $1 AND user_id = $2 AND project_id = $4
        AND ($3::int[] IS NULL OR version = ANY($3::int[]))`,
    [id, scope.ownerId, expectedVersion, scope.projectId],
  );
  return rowCount > 0;
}

/**
 * Copies every story of one project (of owner `userId`) into another (of owner `toOwnerId`, each story at
 * version 1); answers old id → new id. The copies keep their `createdAt`, so stories sharing a position
 * keep their order in the copy.
 */
export async function copyStories(
  db: Database,
  userId: string,
  fromProjectId: string,
  toProjectId: string,
  toOwnerId: string,
): Promise<Array<{ oldId: string; newId: string }>> {
  const { rows } = await db.query<{ oldId: string; newId: string }>(
    `WITH source AS MATERIALIZED (
       SELECT id, gen_random_uuid() AS new_id, title, content, image_prompts, word_count, position, metadata,
              created_at
         FROM stories WHERE project_id = $1 AND user_id = $2
     ), copied AS (
       INSERT INTO stories (id, user_id, project_id, title, content, image_prompts, word_count, position, metadata,
                            created_at)
       SELECT new_id, $4, $3, title, content, image_prompts, word_count, position, metadata, created_at
         FROM source
       RETURNING id
     )
     SELECT source.id AS "oldId", copied.id AS "newId" FROM source JOIN copied ON copied.id = source.new_id`,
    [fromProjectId, userId, toProjectId, toOwnerId],
  );
  return rows;
}
