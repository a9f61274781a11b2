import { pageWithTotal, type Database } from '../../db/database';
import { canReadSql, readableChildrenSql } from '../projects/project-access';
import type { ImageKind } from './images.schemas';

export interface ImageFields {
  projectId: string;
  storyId: string | null;
  kind: ImageKind;
  title: string | null;
  prompt: string | null;
  provider: string | null;
  model: string | null;
  position: number;
  metadata: Record<string, unknown>;
}

/** A row as stored: the public fields plus the file-store keys (never shown to clients). */
export interface ImageRow extends ImageFields {
  id: string;
  originalFilename: string | null;
  mimeType: 'image/png' | 'image/jpeg' | 'image/webp';
  width: number;
  height: number;
  sizeBytes: number;
  sha256: string;
  storageKey: string;
  thumbnailKey: string;
  createdAt: Date;
  updatedAt: Date;
}

const IMAGE_COLUMNS = `i.id, i.project_id AS "projectId", i.story_id AS "storyId", i.kind, i.title,
  i.original_filename AS "originalFilename", i.prompt, i.provider, i.model, i.mime_type AS "mimeType",
  i.width, i.height, i.size_bytes AS "sizeBytes", i.sha256, i.position, i.metadata,
  i.storage_key AS "storageKey", i.thumbnail_key AS "thumbnailKey",
  i.created_at AS "createdAt", i.updated_at AS "updatedAt"`;

const IMAGE_ORDER = 'i.position, i.created_at, i.id';
/** What the list's page needs of each readable image: its order and filter columns. */
const LIST_COLUMNS = ['id', 'project_id', 'story_id', 'position', 'created_at'];

/** Writable field → column: every SET is built from this fixed map, never from input. */
const COLUMN_OF: Record<Exclude<keyof ImageFields, 'projectId' | 'storyId'>, string> = {
  kind: 'kind',
  title: 'title',
  prompt: 'prompt',
  provider: 'provider',
  model: 'model',
  position: 'position',
  metadata: 'metadata',
};

export async function findImages(
  db: Database,
  userId: string,
  filters: { projectId: string | null; storyId: string | null },
  limit: number,
  offset: number,
): Promise<{ rows: ImageRow[]; total: number }> {
  // The images of every project the caller may read (ADR 0014), or of one.
  const where = `($2::uuid IS NULL OR i.project_id = $2::uuid)
    AND ($3::uuid IS NULL OR i.story_id = $3::uuid)`;
  const params = [userId, filters.projectId, filters.storyId];
  // The page and the total come from an order index; only the page's rows are then read whole.
  return pageWithTotal<ImageRow>(
    db,
    `WITH page AS (
       SELECT i.id, count(*) OVER ()::int AS total, row_number() OVER (ORDER BY ${IMAGE_ORDER}) AS n
         FROM ${readableChildrenSql('images', 'i', '$1', LIST_COLUMNS)}
        WHERE ${where}
        ORDER BY ${IMAGE_ORDER}
        LIMIT $4 OFFSET $5
     )
     SELECT ${IMAGE_COLUMNS}, page.total
       FROM page JOIN images i ON i.id = page.id
      ORDER BY page.n`,
    [...params, limit, offset],
    `SELECT count(*)::int AS total FROM ${readableChildrenSql('images', 'i', '$1', LIST_COLUMNS)} WHERE ${where}`,
    params,
  );
}

/** Every image of one project in list order, or the first `limit` (`include=images`). */
export async function findImagesOfProject(
  db: Database,
  userId: string,
  projectId: string,
  limit: number | null = null,
): Promise<ImageRow[]> {
  // LIMIT NULL is no limit.
  const { rows } = await db.query<ImageRow>(
    `SELECT ${IMAGE_COLUMNS} FROM images i
      WHERE i.project_id = $1 AND i.user_id = $2
      ORDER BY ${IMAGE_ORDER}
      LIMIT $3`,
    [projectId, userId, limit],
  );
  return rows;
}

export async function findImage(db: Database, userId: string, id: string): Promise<ImageRow | null> {
  const { rows } = await db.query<ImageRow>(
    `SELECT ${IMAGE_COLUMNS} FROM images i WHERE i.id = $1 AND ${canReadSql('i.project_id', 'i.user_id', '$2')}`,
    [id, userId],
  );
  return rows[0] ?? null;
}

/** The images of `ids` the caller may read (the sync feed); any order. */
export async function findImagesByIds(
  db: Database,
  userId: string,
  ids: readonly string[],
): Promise<ImageRow[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<ImageRow>(
    `SELECT ${IMAGE_COLUMNS} FROM images i
      WHERE i.id = ANY($1::uuid[]) AND ${canReadSql('i.project_id', 'i.user_id', '$2')}`,
    [ids, userId],
  );
  return rows;
}

/** The project of an image the caller may read, or null when there is none. */
export async function findImageProjectId(db: Database, userId: string, id: string): Promise<string | null> {
  const { rows } = await db.query<{ projectId: string }>(
    `SELECT i.project_id AS "projectId" FROM images i
      WHERE i.id = $1 AND ${canReadSql('i.project_id', 'i.user_id', '$2')}`,
    [id, userId],
  );
  return rows[0]?.projectId ?? null;
}

export interface NewImage extends Omit<ImageFields, 'position'> {
  position: number | null;
  originalFilename: string | null;
  mimeType: string;
  width: number;
  height: number;
  sizeBytes: number;
  sha256: string;
  storageKey: string;
  thumbnailKey: string;
}

/**
 * Inserts an image. Without a position it goes after the project's last image. The composite foreign
 * keys refuse a project of another user and a story of another project even if a check above were missed.
 */
export async function insertImage(
  db: Database,
  userId: string,
  input: NewImage,
  maxPosition: number,
): Promise<ImageRow> {
  const { rows } = await db.query<ImageRow>(
    `INSERT INTO images AS i (user_id, project_id, story_id, kind, title, original_filename, prompt, provider,
                              model, mime_type, width, height, size_bytes, sha256, position, metadata,
                              storage_key, thumbnail_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
             coalesce($15::int, (SELECT least(coalesce(max(position) + 1, 0), $19::int)
                                   FROM images WHERE project_id = $2 AND user_id = $1)),
             $16, $17, $18)
     RETURNING ${IMAGE_COLUMNS}`,
    [
      userId,
      input.projectId,
      input.storyId,
      input.kind,
      input.title,
      input.originalFilename,
      input.prompt,
      input.provider,
      input.model,
      input.mimeType,
      input.width,
      input.height,
      input.sizeBytes,
      input.sha256,
      input.position,
      JSON.stringify(input.metadata),
      input.storageKey,
      input.thumbnailKey,
      maxPosition,
    ],
  );
  return rows[0];
}

/**
 * Writes the given fields. `projectId` moves the image; a move without `storyId` clears the story (it is
 * in the old project), decided on the row as it is when the statement runs. Only while the image is in
 * `scope`'s project (the one the caller's access was checked on). Null when nothing matched.
 */
export async function updateImage(
  db: Database,
  scope: { ownerId: string; projectId: string },
  id: string,
  fields: Partial<ImageFields>,
): Promise<ImageRow | null> {
  const params: unknown[] = [id, scope.ownerId, scope.projectId];
  const sets: string[] = [];
  for (const name of Object.keys(COLUMN_OF) as Array<keyof typeof COLUMN_OF>) {
    const value = fields[name];
    if (value === undefined) continue;
    params.push(name === 'metadata' ? JSON.stringify(value) : value);
    sets.push(`${COLUMN_OF[name]} = $${params.length}`);
  }
  if (fields.projectId !== undefined) {
    params.push(fields.projectId);
    sets.push(`project_id = $${params.length}::uuid`);
  }
  if (fields.storyId !== undefined) {
    params.push(fields.storyId);
    sets.push(`story_id = $${params.length}::uuid`);
  } else if (fields.projectId !== undefined) {
    sets.push(`story_id = CASE WHEN i.project_id = $${params.length}::uuid THEN i.story_id END`);
  }
  sets.push('updated_at = now()');
  const { rows } = await db.query<ImageRow>(
    `UPDATE images i SET ${sets.join(', ')} WHERE i.id = $1 AND i.user_id = $2 AND i.project_id = $3
     RETURNING ${IMAGE_COLUMNS}`,
    params,
  );
  return rows[0] ?? null;
}

export interface ImageFiles {
  storageKey: string;
  thumbnailKey: string;
  sizeBytes: number;
}

/**
 * Deletes one image of `scope`'s project; answers its keys and size (what to remove and release), or null
 * when none matched.
 */
export async function deleteImage(
  db: Database,
  scope: { ownerId: string; projectId: string },
  id: string,
): Promise<ImageFiles | null> {
  const { rows } = await db.query<ImageFiles>(
    `DELETE FROM images WHERE id = $1 AND user_id = $2 AND project_id = $3
     RETURNING storage_key AS "storageKey", thumbnail_key AS "thumbnailKey", size_bytes AS "sizeBytes"`,
    [id, scope.ownerId, scope.projectId],
  );
  return rows[0] ?? null;
}

/**
 * The files of a project's images, their rows locked until the transaction ends (the project is being
 * deleted: a concurrent delete of one of them waits, so its size is released exactly once).
 */
export async function lockImageFilesOfProject(
  db: Database,
  userId: string,
  projectId: string,
): Promise<ImageFiles[]> {
  const { rows } = await db.query<ImageFiles>(
    `SELECT storage_key AS "storageKey", thumbnail_key AS "thumbnailKey", size_bytes AS "sizeBytes"
       FROM images WHERE project_id = $1 AND user_id = $2
        FOR UPDATE`,
    [projectId, userId],
  );
  return rows;
}

/** Every file key of the user's images (originals and thumbnails), for account deletion. */
export async function findImageKeysOfUser(db: Database, userId: string): Promise<string[]> {
  const { rows } = await db.query<{ key: string }>(
    'SELECT unnest(ARRAY[storage_key, thumbnail_key]) AS key FROM images WHERE user_id = $1',
    [userId],
  );
  return rows.map((row) => row.key);
}

export interface ImageToCopy {
  id: string;
  storyId: string | null;
  mimeType: string;
  sizeBytes: number;
  storageKey: string;
  thumbnailKey: string;
}

/**
 * The images a duplicate copies, in list order, share-locked until the transaction ends: deleting or
 * moving one of them waits, so its files stay while they are copied.
 */
export async function lockImagesToCopy(
  db: Database,
  userId: string,
  projectId: string,
): Promise<ImageToCopy[]> {
  const { rows } = await db.query<ImageToCopy>(
    `SELECT i.id, i.story_id AS "storyId", i.mime_type AS "mimeType", i.size_bytes AS "sizeBytes",
            i.storage_key AS "storageKey", i.thumbnail_key AS "thumbnailKey"
       FROM images i WHERE i.project_id = $1 AND i.user_id = $2
      ORDER BY ${IMAGE_ORDER}
        FOR KEY SHARE`,
    [projectId, userId],
  );
  return rows;
}

/**
 * Copies one image row (of owner `userId`) into another project (of owner `copy.ownerId`) under new file
 * keys (version-less; `createdAt` kept).
 */
export async function insertImageCopy(
  db: Database,
  userId: string,
  fromId: string,
  copy: {
    ownerId: string;
    projectId: string;
    storyId: string | null;
    storageKey: string;
    thumbnailKey: string;
  },
): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO images (user_id, project_id, story_id, kind, title, original_filename, prompt, provider, model,
                         mime_type, width, height, size_bytes, sha256, position, metadata, storage_key,
                         thumbnail_key, created_at)
     SELECT $7, $3, $4, kind, title, original_filename, prompt, provider, model, mime_type, width, height,
            size_bytes, sha256, position, metadata, $5, $6, created_at
       FROM images WHERE id = $1 AND user_id = $2
     RETURNING id`,
    [fromId, userId, copy.projectId, copy.storyId, copy.storageKey, copy.thumbnailKey, copy.ownerId],
  );
  return rows[0].id;
}

/** Locks the project against new children and other writers until the transaction ends (it is being deleted). */
export async function lockProjectForDelete(db: Database, userId: string, projectId: string): Promise<void> {
  await db.query('SELECT id FROM projects WHERE id = $1 AND user_id = $2 FOR UPDATE', [projectId, userId]);
}
