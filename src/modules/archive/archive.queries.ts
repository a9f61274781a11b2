import type { Database } from '../../db/database';
import type {
  ArchivedDrawing,
  ArchivedImage,
  ArchivedProject,
  ArchivedStory,
  ArchivedVersion,
  AsRow,
} from './archive.format';

// Reads of whole rows (file keys and history included) for the archive, and inserts of whole rows (their
// versions and times kept) for the import. Ownership is in every WHERE: `userId` is the caller, who owns
// every row read or written here.

export type ProjectToArchive = AsRow<ArchivedProject['project']>;

/** The ids of the projects the user owns (not those shared with them), oldest first. */
export async function findOwnedProjectIds(db: Database, userId: string): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    'SELECT id FROM projects WHERE user_id = $1 ORDER BY created_at, id',
    [userId],
  );
  return rows.map((row) => row.id);
}

export async function findProjectToArchive(
  db: Database,
  userId: string,
  id: string,
): Promise<ProjectToArchive | null> {
  const { rows } = await db.query<ProjectToArchive>(
    `SELECT id, title, description, category, status, tags, settings, cover_image_id AS "coverImageId",
            version, created_at AS "createdAt", updated_at AS "updatedAt"
       FROM projects WHERE id = $1 AND user_id = $2`,
    [id, userId],
  );
  return rows[0] ?? null;
}

export type VersionToArchive = Omit<ArchivedVersion, 'createdAt'> & { createdAt: Date };

export async function findVersionsToArchive(
  db: Database,
  userId: string,
  projectId: string,
): Promise<VersionToArchive[]> {
  const { rows } = await db.query<VersionToArchive>(
    `SELECT v.version, v.changed_fields AS "changedFields", v.snapshot, v.created_at AS "createdAt"
       FROM project_versions v JOIN projects p ON p.id = v.project_id
      WHERE p.id = $1 AND p.user_id = $2
      ORDER BY v.version`,
    [projectId, userId],
  );
  return rows;
}

export type ImageToArchive = AsRow<Omit<ArchivedImage, 'file'>> & { storageKey: string };

export async function findImagesToArchive(
  db: Database,
  userId: string,
  projectId: string,
): Promise<ImageToArchive[]> {
  const { rows } = await db.query<ImageToArchive>(
    `SELECT id, story_id AS "storyId", kind, title, original_filename AS "originalFilename", prompt,
            provider, model, mime_type AS "mimeType", width, height, size_bytes AS "sizeBytes", sha256,
            position, metadata, storage_key AS "storageKey", created_at AS "createdAt", updated_at AS "updatedAt"
       FROM images WHERE project_id = $1 AND user_id = $2
      ORDER BY position, created_at, id`,
    [projectId, userId],
  );
  return rows;
}

/** A drawing without its vector data (up to 5 MB each: read one at a time with findDrawingData). */
export type DrawingToArchive = AsRow<Omit<ArchivedDrawing, 'data' | 'png'>> & {
  pngKey: string | null;
  sizeBytes: number | null;
};

export async function findDrawingsToArchive(
  db: Database,
  userId: string,
  projectId: string,
): Promise<DrawingToArchive[]> {
  const { rows } = await db.query<DrawingToArchive>(
    `SELECT id, image_id AS "imageId", title, width, height, png_key AS "pngKey", size_bytes AS "sizeBytes",
            version, created_at AS "createdAt", updated_at AS "updatedAt"
       FROM drawings WHERE project_id = $1 AND user_id = $2
      ORDER BY created_at, id`,
    [projectId, userId],
  );
  return rows;
}

/** A drawing's vector data as JSON text (jsonb's text form); null when the drawing is gone. */
export async function findDrawingData(db: Database, userId: string, id: string): Promise<string | null> {
  const { rows } = await db.query<{ data: string }>(
    'SELECT data::text AS data FROM drawings WHERE id = $1 AND user_id = $2',
    [id, userId],
  );
  return rows[0]?.data ?? null;
}

/** The bytes of the files the user's projects hold (originals and drawing PNGs), for progress. */
export async function findFileBytes(db: Database, userId: string): Promise<number> {
  const { rows } = await db.query<{ bytes: string | number }>(
    `SELECT (SELECT coalesce(sum(size_bytes), 0) FROM images WHERE user_id = $1)
          + (SELECT coalesce(sum(size_bytes), 0) FROM drawings WHERE user_id = $1) AS bytes`,
    [userId],
  );
  return Number(rows[0]?.bytes ?? 0);
}

export async function findTemplatesToArchive(db: Database, userId: string): Promise<unknown[]> {
  const { rows } = await db.query(
    `SELECT id, title, description, category, tags, is_public AS "isPublic", is_premium AS "isPremium",
            content, version, use_count AS "useCount", rating_count AS "ratingCount",
            rating_average AS "ratingAverage", created_at AS "createdAt", updated_at AS "updatedAt"
       FROM templates WHERE owner_id = $1
      ORDER BY created_at, id`,
    [userId],
  );
  return rows;
}

export async function findRatingsToArchive(db: Database, userId: string): Promise<unknown[]> {
  const { rows } = await db.query(
    `SELECT r.template_id AS "templateId", t.title AS "templateTitle", r.rating, r.review,
            r.created_at AS "createdAt", r.updated_at AS "updatedAt"
       FROM template_ratings r JOIN templates t ON t.id = r.template_id
      WHERE r.user_id = $1
      ORDER BY r.created_at, r.template_id`,
    [userId],
  );
  return rows;
}

// --- Import: whole rows with their versions and times ---------------------------------------------------

export async function insertImportedProject(
  db: Database,
  userId: string,
  p: Omit<ArchivedProject['project'], 'id' | 'coverImageId'>,
): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO projects (user_id, title, description, category, status, tags, settings, version,
                           created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     RETURNING id`,
    [
      userId,
      p.title,
      p.description,
      p.category,
      p.status,
      p.tags,
      JSON.stringify(p.settings),
      p.version,
      p.createdAt,
      p.updatedAt,
    ],
  );
  return rows[0].id;
}

export async function setImportedCover(
  db: Database,
  userId: string,
  projectId: string,
  coverImageId: string,
): Promise<void> {
  await db.query('UPDATE projects SET cover_image_id = $3 WHERE id = $1 AND user_id = $2', [
    projectId,
    userId,
    coverImageId,
  ]);
}

export async function insertImportedVersion(
  db: Database,
  userId: string,
  projectId: string,
  v: ArchivedVersion,
): Promise<void> {
  await db.query(
    `INSERT INTO project_versions (project_id, version, changed_fields, snapshot, created_at, changed_by)
     SELECT id, $3, $4::text[], $5::jsonb, $6, $2 FROM projects WHERE id = $1 AND user_id = $2`,
    [projectId, userId, v.version, v.changedFields, JSON.stringify(v.snapshot), v.createdAt],
  );
}

export async function insertImportedStory(
  db: Database,
  userId: string,
  projectId: string,
  s: Omit<ArchivedStory, 'id'>,
): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO stories (user_id, project_id, title, content, image_prompts, word_count, position, metadata,
                          version, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     RETURNING id`,
    [
      userId,
      projectId,
      s.title,
      s.content,
      s.imagePrompts,
      s.wordCount,
      s.position,
      JSON.stringify(s.metadata),
      s.version,
      s.createdAt,
      s.updatedAt,
    ],
  );
  return rows[0].id;
}

export async function insertImportedImage(
  db: Database,
  userId: string,
  projectId: string,
  i: Omit<ArchivedImage, 'id' | 'file'> & { storageKey: string; thumbnailKey: string },
): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO images (user_id, project_id, story_id, kind, title, original_filename, prompt, provider, model,
                         mime_type, width, height, size_bytes, sha256, position, metadata, storage_key,
                         thumbnail_key, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
     RETURNING id`,
    [
      userId,
      projectId,
      i.storyId,
      i.kind,
      i.title,
      i.originalFilename,
      i.prompt,
      i.provider,
      i.model,
      i.mimeType,
      i.width,
      i.height,
      i.sizeBytes,
      i.sha256,
      i.position,
      JSON.stringify(i.metadata),
      i.storageKey,
      i.thumbnailKey,
      i.createdAt,
      i.updatedAt,
    ],
  );
  return rows[0].id;
}

export async function insertImportedDrawing(
  db: Database,
  userId: string,
  projectId: string,
  d: Omit<ArchivedDrawing, 'id' | 'data' | 'png'> & {
    /** JSON text, as read from the archive (already checked to parse to an object or array). */
    dataJson: string;
    png: { key: string; sizeBytes: number } | null;
  },
): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO drawings (user_id, project_id, image_id, title, data, width, height, png_key, mime_type,
                           size_bytes, version, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9, $10, $11, $12, $13)
     RETURNING id`,
    [
      userId,
      projectId,
      d.imageId,
      d.title,
      d.dataJson,
      d.width,
      d.height,
      d.png?.key ?? null,
      d.png ? 'image/png' : null,
      d.png?.sizeBytes ?? null,
      d.version,
      d.createdAt,
      d.updatedAt,
    ],
  );
  return rows[0].id;
}
