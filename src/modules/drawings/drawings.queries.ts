import { pageWithTotal, type Database } from '../../db/database';
import { canReadSql, readableChildrenSql } from '../projects/project-access';

export interface DrawingFields {
  projectId: string;
  imageId: string | null;
  title: string | null;
  data: unknown;
  width: number;
  height: number;
}

/** A row as stored: the public fields plus the PNG's file-store key (never shown to clients). */
export interface DrawingRow extends DrawingFields {
  id: string;
  pngKey: string | null;
  mimeType: 'image/png' | null;
  sizeBytes: number | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/** The PNG a row points to: all three, or none. */
export interface DrawingPng {
  pngKey: string;
  mimeType: 'image/png';
  sizeBytes: number;
}

const DRAWING_COLUMNS = `d.id, d.project_id AS "projectId", d.image_id AS "imageId", d.title, d.data, d.width,
  d.height, d.png_key AS "pngKey", d.mime_type AS "mimeType", d.size_bytes AS "sizeBytes", d.version,
  d.created_at AS "createdAt", d.updated_at AS "updatedAt"`;

const DRAWING_ORDER = 'd.created_at, d.id';
/** What the list's page needs of each readable drawing: its order and filter columns. */
const LIST_COLUMNS = ['id', 'project_id', 'image_id', 'created_at'];

/** Writable field → column: every SET is built from this fixed map, never from input. */
const COLUMN_OF: Record<'title' | 'data' | 'width' | 'height', string> = {
  title: 'title',
  data: 'data',
  width: 'width',
  height: 'height',
};

export async function findDrawings(
  db: Database,
  userId: string,
  filters: { projectId: string | null; imageId: string | null },
  limit: number,
  offset: number,
): Promise<{ rows: DrawingRow[]; total: number }> {
  // The drawings of every project the caller may read (ADR 0014), or of one.
  const where = `($2::uuid IS NULL OR d.project_id = $2::uuid)
    AND ($3::uuid IS NULL OR d.image_id = $3::uuid)`;
  const params = [userId, filters.projectId, filters.imageId];
  // The page is chosen from an order index first: `data` (up to 5 MB) is only read for the page's rows.
  return pageWithTotal<DrawingRow>(
    db,
    `WITH page AS (
       SELECT d.id, count(*) OVER ()::int AS total, row_number() OVER (ORDER BY ${DRAWING_ORDER}) AS n
         FROM ${readableChildrenSql('drawings', 'd', '$1', LIST_COLUMNS)}
        WHERE ${where}
        ORDER BY ${DRAWING_ORDER}
        LIMIT $4 OFFSET $5
     )
     SELECT ${DRAWING_COLUMNS}, page.total
       FROM page JOIN drawings d ON d.id = page.id
      ORDER BY page.n`,
    [...params, limit, offset],
    `SELECT count(*)::int AS total FROM ${readableChildrenSql('drawings', 'd', '$1', LIST_COLUMNS)} WHERE ${where}`,
    params,
  );
}

/** Every drawing of one project in list order, or the first `limit` (`include=drawings`). */
export async function findDrawingsOfProject(
  db: Database,
  userId: string,
  projectId: string,
  limit: number | null = null,
): Promise<DrawingRow[]> {
  // LIMIT NULL is no limit.
  const { rows } = await db.query<DrawingRow>(
    `SELECT ${DRAWING_COLUMNS} FROM drawings d
      WHERE d.project_id = $1 AND d.user_id = $2
      ORDER BY ${DRAWING_ORDER}
      LIMIT $3`,
    [projectId, userId, limit],
  );
  return rows;
}

export async function findDrawing(db: Database, userId: string, id: string): Promise<DrawingRow | null> {
  const { rows } = await db.query<DrawingRow>(
    `SELECT ${DRAWING_COLUMNS} FROM drawings d WHERE d.id = $1 AND ${canReadSql('d.project_id', 'd.user_id', '$2')}`,
    [id, userId],
  );
  return rows[0] ?? null;
}

/** The drawings of `ids` the caller may read (the sync feed); any order. */
export async function findDrawingsByIds(
  db: Database,
  userId: string,
  ids: readonly string[],
): Promise<DrawingRow[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<DrawingRow>(
    `SELECT ${DRAWING_COLUMNS} FROM drawings d
      WHERE d.id = ANY($1::uuid[]) AND ${canReadSql('d.project_id', 'd.user_id', '$2')}`,
    [ids, userId],
  );
  return rows;
}

/** What a write needs to know before it stores a file: the project, version and PNG size now. */
export async function findDrawingState(
  db: Database,
  userId: string,
  id: string,
): Promise<{ projectId: string; version: number; sizeBytes: number | null } | null> {
  const { rows } = await db.query<{ projectId: string; version: number; sizeBytes: number | null }>(
    `SELECT d.project_id AS "projectId", d.version, d.size_bytes AS "sizeBytes"
       FROM drawings d WHERE d.id = $1 AND ${canReadSql('d.project_id', 'd.user_id', '$2')}`,
    [id, userId],
  );
  return rows[0] ?? null;
}

export async function findDrawingVersionNumber(
  db: Database,
  userId: string,
  id: string,
): Promise<number | null> {
  const { rows } = await db.query<{ version: number }>(
    `SELECT d.version FROM drawings d WHERE d.id = $1 AND ${canReadSql('d.project_id', 'd.user_id', '$2')}`,
    [id, userId],
  );
  return rows[0]?.version ?? null;
}

/** Inserts a drawing (version 1). The composite foreign keys refuse another user's project or image. */
export async function insertDrawing(
  db: Database,
  userId: string,
  input: DrawingFields & { png: DrawingPng | null },
): Promise<DrawingRow> {
  const { rows } = await db.query<DrawingRow>(
    `INSERT INTO drawings AS d (user_id, project_id, image_id, title, data, width, height, png_key, mime_type,
                                size_bytes)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     RETURNING ${DRAWING_COLUMNS}`,
    [
      userId,
      input.projectId,
      input.imageId,
      input.title,
      JSON.stringify(input.data),
      input.width,
      input.height,
      input.png?.pngKey ?? null,
      input.png?.mimeType ?? null,
      input.png?.sizeBytes ?? null,
    ],
  );
  return rows[0];
}

/**
 * Writes the given fields (and a new PNG when given), bumps the version and answers the new row with the
 * PNG it replaced. If-Match is in the WHERE clause. A move (`projectId`) without `imageId` clears the
 * image, decided on the row as it is when the statement runs. Null when nothing matched.
 */
export async function updateDrawing(
  db: Database,
  scope: { ownerId: string; projectId: string },
  id: string,
  fields: Partial<DrawingFields>,
  png: DrawingPng | null,
  expectedVersion: readonly number[] | null,
): Promise<(DrawingRow & { oldPngKey: string | null; oldSizeBytes: number | null }) | null> {
  // Only while the drawing is in the project the caller's access was checked on ($4).
  const params: unknown[] = [id, scope.ownerId, expectedVersion, scope.projectId];
  const sets: string[] = [];
  for (const name of Object.keys(COLUMN_OF) as Array<keyof typeof COLUMN_OF>) {
    const value = fields[name];
    if (value === undefined) continue;
    params.push(name === 'data' ? JSON.stringify(value) : value);
    sets.push(`${COLUMN_OF[name]} = $${params.length}`);
  }
  if (fields.projectId !== undefined) {
    params.push(fields.projectId);
    sets.push(`project_id = $${params.length}::uuid`);
  }
  if (fields.imageId !== undefined) {
    params.push(fields.imageId);
    sets.push(`image_id = $${params.length}::uuid`);
  } else if (fields.projectId !== undefined) {
    sets.push(`image_id = CASE WHEN d.project_id = $${params.length}::uuid THEN d.image_id END`);
  }
  if (png) {
    params.push(png.pngKey, png.mimeType, png.sizeBytes);
    const n = params.length;
    sets.push(`png_key = $${n - 2}`, `mime_type = $${n - 1}`, `size_bytes = $${n}`);
  }
  sets.push('version = d.version + 1', 'updated_at = now()');
  const { rows } = await db.query<DrawingRow & { oldPngKey: string | null; oldSizeBytes: number | null }>(
    `WITH old AS (
       SELECT id, png_key, size_bytes FROM drawings WHERE id = $1 AND user_id = $2 AND project_id = $4
          FOR UPDATE
     )
     UPDATE drawings d SET ${sets.join(', ')}
       FROM old
      WHERE d.id = old.id AND d.user_id = $2 AND ($3::int[] IS NULL OR d.version = ANY($3::int[]))
     RETURNING ${DRAWING_COLUMNS}, old.png_key AS "oldPngKey", old.size_bytes AS "oldSizeBytes"`,
    params,
  );
  return rows[0] ?? null;
}

/** Deletes one drawing (If-Match in the WHERE clause); answers its PNG, or null when none matched. */
export async function deleteDrawing(
  db: Database,
  scope: { ownerId: string; projectId: string },
  id: string,
  expectedVersion: readonly number[] | null,
): Promise<{ pngKey: string | null; sizeBytes: number | null } | null> {
  const { rows } = await db.query<{ pngKey: string | null; sizeBytes: number | null }>(
    `DELETE FROM drawings WHERE id = $1 AND user_id = $2 AND project_id = $4
        AND ($3::int[] IS NULL OR version = ANY($3::int[]))
     RETURNING png_key AS "pngKey", size_bytes AS "sizeBytes"`,
    [id, scope.ownerId, expectedVersion, scope.projectId],
  );
  return rows[0] ?? null;
}

/** The PNGs of a project's drawings, their rows locked until the (project delete's) transaction ends. */
export async function lockDrawingPngsOfProject(
  db: Database,
  userId: string,
  projectId: string,
): Promise<Array<{ pngKey: string; sizeBytes: number }>> {
  const { rows } = await db.query<{ pngKey: string | null; sizeBytes: number | null }>(
    `SELECT png_key AS "pngKey", size_bytes AS "sizeBytes"
       FROM drawings WHERE project_id = $1 AND user_id = $2
        FOR UPDATE`,
    [projectId, userId],
  );
  return rows.filter((r): r is { pngKey: string; sizeBytes: number } => r.pngKey !== null);
}

/** Every PNG key of the user's drawings, for account deletion. */
export async function findDrawingKeysOfUser(db: Database, userId: string): Promise<string[]> {
  const { rows } = await db.query<{ key: string }>(
    'SELECT png_key AS key FROM drawings WHERE user_id = $1 AND png_key IS NOT NULL',
    [userId],
  );
  return rows.map((row) => row.key);
}

/** The drawings a duplicate copies, in list order, share-locked so their PNGs stay while being copied. */
export async function lockDrawingsToCopy(
  db: Database,
  userId: string,
  projectId: string,
): Promise<Array<{ id: string; imageId: string | null; pngKey: string | null; sizeBytes: number | null }>> {
  const { rows } = await db.query<{
    id: string;
    imageId: string | null;
    pngKey: string | null;
    sizeBytes: number | null;
  }>(
    `SELECT d.id, d.image_id AS "imageId", d.png_key AS "pngKey", d.size_bytes AS "sizeBytes"
       FROM drawings d WHERE d.project_id = $1 AND d.user_id = $2
      ORDER BY ${DRAWING_ORDER}
        FOR KEY SHARE`,
    [projectId, userId],
  );
  return rows;
}

/** Copies one drawing into another project (version 1, `createdAt` kept) with its PNG under a new key. */
export async function insertDrawingCopy(
  db: Database,
  userId: string,
  fromId: string,
  copy: { ownerId: string; projectId: string; imageId: string | null; pngKey: string | null },
): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO drawings (user_id, project_id, image_id, title, data, width, height, png_key, mime_type,
                           size_bytes, created_at)
     SELECT $6, $3, $4, title, data, width, height, $5, mime_type, size_bytes, created_at
       FROM drawings WHERE id = $1 AND user_id = $2
     RETURNING id`,
    [fromId, userId, copy.projectId, copy.imageId, copy.pngKey, copy.ownerId],
  );
  return rows[0].id;
}

/** A drawing that prints: one with a rendered PNG. */
export interface DrawingPngRow {
  id: string;
  imageId: string | null;
  pngKey: string;
}

/** The drawings of one of the user's projects that have a rendered PNG, in list order (creation). */
export async function findDrawingPngsOfProject(
  db: Database,
  userId: string,
  projectId: string,
): Promise<DrawingPngRow[]> {
  const { rows } = await db.query<DrawingPngRow>(
    `SELECT d.id, d.image_id AS "imageId", d.png_key AS "pngKey"
       FROM drawings d
      WHERE d.project_id = $1 AND d.user_id = $2 AND d.png_key IS NOT NULL
      ORDER BY d.created_at, d.id`,
    [projectId, userId],
  );
  return rows;
}
