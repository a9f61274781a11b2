import { pageWithTotal, type Database } from '../../db/database';
import type { TemplateSort } from './templates.schemas';

export interface TemplateStory {
  title: string;
  content: string;
  imagePrompts: string[];
}

export interface TemplateContent {
  settings: Record<string, unknown>;
  stories: TemplateStory[];
}

/** The fields a client writes (`isPremium`: administrators only). */
export interface TemplateFields {
  title: string;
  description: string | null;
  category: string | null;
  tags: string[];
  isPublic: boolean;
  isPremium: boolean;
  content: TemplateContent;
}

export type TemplateField = keyof TemplateFields;

export interface TemplateRow extends TemplateFields {
  id: string;
  ownerId: string;
  version: number;
  ratingAverage: number | null;
  ratingCount: number;
  useCount: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface RatingRow {
  userId: string;
  displayName: string | null;
  rating: number;
  review: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Writable field → column. Every SET is built from this fixed map, never from input. */
const COLUMN_OF: Record<TemplateField, string> = {
  title: 'title',
  description: 'description',
  category: 'category',
  tags: 'tags',
  isPublic: 'is_public',
  isPremium: 'is_premium',
  content: 'content',
};

const TEMPLATE_FIELDS = Object.keys(COLUMN_OF) as TemplateField[];

function templateColumns(a: string): string {
  return `${a}.id, ${a}.owner_id AS "ownerId", ${a}.title, ${a}.description, ${a}.category, ${a}.tags,
          ${a}.is_public AS "isPublic", ${a}.is_premium AS "isPremium", ${a}.content, ${a}.version,
          ${a}.rating_average::float8 AS "ratingAverage", ${a}.rating_count AS "ratingCount",
          ${a}.use_count AS "useCount", ${a}.created_at AS "createdAt", ${a}.updated_at AS "updatedAt"`;
}

/**
 * Who may read template `a` (GET, ratings list): anyone when public, else its owner and administrators
 * (who may also edit and delete it). `$n` is the caller's id, or null when anonymous.
 */
const readableBy = (a: string, n: number) =>
  `(${a}.is_public OR ${a}.owner_id = $${n}::uuid
    OR EXISTS (SELECT 1 FROM users u WHERE u.id = $${n}::uuid AND u.role = 'admin'))`;

/** Who may use or rate template `a`: anyone when public, else only its owner. */
const usableBy = (a: string, n: number) => `(${a}.is_public OR ${a}.owner_id = $${n}::uuid)`;

/** `ORDER BY` for each sort; ties go newest first, then by id, in the direction of the indexes. */
const ORDER_BY: Record<TemplateSort, string> = {
  '-createdAt': 't.created_at DESC, t.id DESC',
  '-useCount': 't.use_count DESC, t.created_at DESC, t.id DESC',
  '-ratingAverage': 't.rating_average DESC NULLS LAST, t.rating_count DESC, t.created_at DESC, t.id DESC',
};

/**
 * `q` as a text-search query: every word (a run of letters and digits) must start a word of the title or
 * description, in any order ("oce anim" finds "Ocean animals"). Null when `q` holds no word.
 */
export function searchQuery(q: string): string | null {
  const words = q.toLowerCase().match(/[\p{L}\p{M}\p{N}]+/gu) ?? [];
  // Only letters and digits reach the tsquery syntax: nothing to escape.
  return words.length === 0 ? null : words.map((word) => `${word}:*`).join(' & ');
}

export interface TemplateFilters {
  q?: string;
  category?: string;
  tag?: string;
}

/**
 * Public templates plus the caller's own private ones. Two branches, each served by its own index
 * (public: a partial index per sort; private: the owner's), each cut to the rows the page can need,
 * then merged; only the page's rows are read whole (content can be large).
 */
export async function findTemplates(
  db: Database,
  callerId: string | null,
  filters: TemplateFilters,
  sort: TemplateSort,
  limit: number,
  offset: number,
): Promise<{ rows: TemplateRow[]; total: number }> {
  const search = filters.q === undefined ? null : searchQuery(filters.q);
  // A q without a single word matches nothing.
  if (filters.q !== undefined && search === null) return { rows: [], total: 0 };
  const params = [callerId, search, filters.category ?? null, filters.tag ?? null];
  const matches = `($2::text IS NULL OR t.search @@ to_tsquery('simple'::regconfig, $2::text))
    AND ($3::text IS NULL OR t.category = $3)
    AND ($4::text IS NULL OR t.tags @> ARRAY[$4::text])`;
  const publicBranch = `FROM templates t WHERE t.is_public AND ${matches}`;
  const privateBranch = `FROM templates t WHERE t.owner_id = $1::uuid AND NOT t.is_public AND ${matches}`;
  const keys = 't.id, t.created_at, t.use_count, t.rating_average, t.rating_count';
  const totalSql = `(SELECT count(*) ${publicBranch})::int + (SELECT count(*) ${privateBranch})::int`;
  return pageWithTotal<TemplateRow>(
    db,
    `WITH page AS (
       SELECT t.id, row_number() OVER (ORDER BY ${ORDER_BY[sort]}) AS n
         FROM ((SELECT ${keys} ${publicBranch} ORDER BY ${ORDER_BY[sort]} LIMIT $5)
               UNION ALL
               (SELECT ${keys} ${privateBranch} ORDER BY ${ORDER_BY[sort]} LIMIT $5)) t
        ORDER BY ${ORDER_BY[sort]}
        LIMIT $6 OFFSET $7
     )
     SELECT ${templateColumns('t')}, ${totalSql} AS total
       FROM page JOIN templates t ON t.id = page.id
      ORDER BY page.n`,
    [...params, offset + limit, limit, offset],
    `SELECT ${totalSql} AS total`,
    params,
  );
}

/** The template when the caller may read it (see `readableBy`); null otherwise. */
export async function findReadableTemplate(
  db: Database,
  callerId: string | null,
  id: string,
): Promise<TemplateRow | null> {
  const { rows } = await db.query<TemplateRow>(
    `SELECT ${templateColumns('t')} FROM templates t WHERE t.id = $1 AND ${readableBy('t', 2)}`,
    [id, callerId],
  );
  return rows[0] ?? null;
}

/** Whether the caller may read the template, without reading it. */
export async function isTemplateReadable(
  db: Database,
  callerId: string | null,
  id: string,
): Promise<boolean> {
  const { rows } = await db.query(`SELECT 1 FROM templates t WHERE t.id = $1 AND ${readableBy('t', 2)}`, [
    id,
    callerId,
  ]);
  return rows.length > 0;
}

/** Whether the user may use or rate the template (it is public, or their own). */
export async function isTemplateUsable(db: Database, userId: string, id: string): Promise<boolean> {
  const { rows } = await db.query(`SELECT 1 FROM templates t WHERE t.id = $1 AND ${usableBy('t', 2)}`, [
    id,
    userId,
  ]);
  return rows.length > 0;
}

export async function insertTemplate(
  db: Database,
  ownerId: string,
  input: TemplateFields,
): Promise<TemplateRow> {
  const { rows } = await db.query<TemplateRow>(
    `INSERT INTO templates AS t (owner_id, title, description, category, tags, is_public, is_premium, content)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     RETURNING ${templateColumns('t')}`,
    [
      ownerId,
      input.title,
      input.description,
      input.category,
      input.tags,
      input.isPublic,
      input.isPremium,
      JSON.stringify(input.content),
    ],
  );
  return rows[0];
}

/**
 * Writes the given fields and bumps the version when the caller owns the template or `asAdmin`, and the
 * version is one `expectedVersion` names (null: any); null when nothing matched.
 */
export async function updateTemplate(
  db: Database,
  userId: string,
  asAdmin: boolean,
  id: string,
  fields: Partial<TemplateFields>,
  expectedVersion: readonly number[] | null,
): Promise<TemplateRow | null> {
  const params: unknown[] = [id, userId, asAdmin, expectedVersion];
  const sets = TEMPLATE_FIELDS.filter((f) => fields[f] !== undefined).map((name) => {
    const value = fields[name];
    params.push(name === 'content' ? JSON.stringify(value) : value);
    return `${COLUMN_OF[name]} = $${params.length}`;
  });
  const { rows } = await db.query<TemplateRow>(
    `UPDATE templates t SET ${[...sets, 'version = t.version + 1', 'updated_at = now()'].join(', ')}
      WHERE t.id = $1 AND (t.owner_id = $2 OR $3::boolean)
        AND ($4::int[] IS NULL OR t.version = ANY($4::int[]))
     RETURNING ${templateColumns('t')}`,
    params,
  );
  return rows[0] ?? null;
}

/** Deletes the template (its ratings cascade) when the caller owns it or `asAdmin`; If-Match as above. */
export async function deleteTemplate(
  db: Database,
  userId: string,
  asAdmin: boolean,
  id: string,
  expectedVersion: readonly number[] | null,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `DELETE FROM templates WHERE id = $1 AND (owner_id = $2 OR $3::boolean)
        AND ($4::int[] IS NULL OR version = ANY($4::int[]))`,
    [id, userId, asAdmin, expectedVersion],
  );
  return rowCount > 0;
}

/** The template's owner and version, whoever may see it (for the service's own checks); null when none. */
export async function findTemplateOwner(
  db: Database,
  id: string,
): Promise<{ ownerId: string; version: number } | null> {
  const { rows } = await db.query<{ ownerId: string; version: number }>(
    'SELECT owner_id AS "ownerId", version FROM templates WHERE id = $1',
    [id],
  );
  return rows[0] ?? null;
}

export interface UsedTemplate {
  title: string;
  description: string | null;
  category: string | null;
  tags: string[];
  isPremium: boolean;
  /** Whether the caller owns it. */
  own: boolean;
  content: TemplateContent;
}

/**
 * Counts one use of a template the user may use and answers what a project needs from it; null when the
 * user may not. `use_count + 1` under the row lock: concurrent uses never lose a count.
 */
export async function incrementUseCount(
  db: Database,
  userId: string,
  id: string,
): Promise<UsedTemplate | null> {
  const { rows } = await db.query<UsedTemplate>(
    `UPDATE templates t SET use_count = t.use_count + 1
      WHERE t.id = $1 AND ${usableBy('t', 2)}
     RETURNING t.title, t.description, t.category, t.tags, t.is_premium AS "isPremium",
               t.owner_id = $2 AS own, t.content`,
    [id, userId],
  );
  return rows[0] ?? null;
}

/**
 * Locks a template the user may rate until the transaction ends and tells whether it is their own; null
 * when they may not see it. Raters of one template queue here, before touching the ratings, so the
 * aggregate trigger's update of the same row never deadlocks with them.
 */
export async function lockTemplateForRating(
  db: Database,
  userId: string,
  id: string,
): Promise<{ own: boolean } | null> {
  const { rows } = await db.query<{ own: boolean }>(
    `SELECT t.owner_id = $2 AS own FROM templates t WHERE t.id = $1 AND ${usableBy('t', 2)}
        FOR NO KEY UPDATE`,
    [id, userId],
  );
  return rows[0] ?? null;
}

/** Locks the template row (whoever may see it) before a rating of it is removed; false when it is gone. */
export async function lockTemplate(db: Database, id: string): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM templates WHERE id = $1 FOR NO KEY UPDATE', [id]);
  return rows.length > 0;
}

const RATING_COLUMNS = `r.user_id AS "userId", u.display_name AS "displayName", r.rating::int AS rating, r.review,
  r.created_at AS "createdAt", r.updated_at AS "updatedAt"`;

/** Inserts or replaces the user's one rating of the template (the trigger moves the aggregates). */
export async function upsertRating(
  db: Database,
  templateId: string,
  userId: string,
  rating: number,
  review: string | null,
): Promise<RatingRow> {
  const { rows } = await db.query<RatingRow>(
    `WITH r AS (
       INSERT INTO template_ratings AS r (template_id, user_id, rating, review)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (template_id, user_id)
       DO UPDATE SET rating = EXCLUDED.rating, review = EXCLUDED.review, updated_at = now()
       RETURNING r.user_id, r.rating, r.review, r.created_at, r.updated_at
     )
     SELECT ${RATING_COLUMNS} FROM r JOIN users u ON u.id = r.user_id`,
    [templateId, userId, rating, review],
  );
  return rows[0];
}

export async function deleteRating(db: Database, templateId: string, userId: string): Promise<boolean> {
  const { rowCount } = await db.query(
    'DELETE FROM template_ratings WHERE template_id = $1 AND user_id = $2',
    [templateId, userId],
  );
  return rowCount > 0;
}

/** A template's ratings, most recently changed first. */
export async function findRatings(
  db: Database,
  templateId: string,
  limit: number,
  offset: number,
): Promise<{ rows: RatingRow[]; total: number }> {
  return pageWithTotal<RatingRow>(
    db,
    `SELECT ${RATING_COLUMNS}, count(*) OVER ()::int AS total
       FROM template_ratings r JOIN users u ON u.id = r.user_id
      WHERE r.template_id = $1
      ORDER BY r.updated_at DESC, r.user_id DESC
      LIMIT $2 OFFSET $3`,
    [templateId, limit, offset],
    'SELECT count(*)::int AS total FROM template_ratings WHERE template_id = $1',
    [templateId],
  );
}
