import { pageWithTotal, type Database } from '../../db/database';
import { readableProjectSql, type ProjectRole } from './project-access';
import type { ProjectSort, ProjectStatus } from './projects.schemas';

export interface ProjectCounts {
  stories: number;
  images: number;
  drawings: number;
}

/** The fields a client writes and a version snapshots. */
export interface ProjectFields {
  title: string;
  description: string | null;
  category: string | null;
  status: ProjectStatus;
  tags: string[];
  settings: Record<string, unknown>;
  coverImageId: string | null;
}

export type ProjectField = keyof ProjectFields;

export interface ProjectRow extends ProjectFields {
  id: string;
  /** The owner (projects.user_id): whose storage the project counts against. */
  ownerId: string;
  version: number;
  counts: ProjectCounts;
  createdAt: Date;
  updatedAt: Date;
}

/** Writable field → column. Every SET and snapshot is built from this fixed map, never from input. */
const COLUMN_OF: Record<ProjectField, string> = {
  title: 'title',
  description: 'description',
  category: 'category',
  status: 'status',
  tags: 'tags',
  settings: 'settings',
  coverImageId: 'cover_image_id',
};

export const PROJECT_FIELDS = Object.keys(COLUMN_OF) as ProjectField[];

/**
 * `counts` for the project aliased `alias`: the three columns migration 0016 keeps on the row (its triggers
 * move them in the transaction of every write that adds, removes or moves a child; `npm run db:check`
 * compares them with the rows). No count(*) per read (ADR 0019).
 */
function countsSql(alias: string): string {
  return `json_build_object('stories', ${alias}.stories_count, 'images', ${alias}.images_count, 'drawings', ${alias}.drawings_count)`;
}

function fieldColumns(alias: string): string {
  return `${alias}.title, ${alias}.description, ${alias}.category, ${alias}.status, ${alias}.tags,
          ${alias}.settings, ${alias}.cover_image_id AS "coverImageId"`;
}

const projectColumnsByAlias = new Map<string, string>();

/** The columns of a Project; built once per alias (every project query uses them). */
function projectColumns(alias: string): string {
  let sql = projectColumnsByAlias.get(alias);
  if (sql === undefined) {
    sql = `${alias}.id, ${alias}.user_id AS "ownerId", ${fieldColumns(alias)}, ${alias}.version, ${countsSql(alias)} AS counts,
          ${alias}.created_at AS "createdAt", ${alias}.updated_at AS "updatedAt"`;
    projectColumnsByAlias.set(alias, sql);
  }
  return sql;
}

/** The jsonb snapshot of a project row's writable fields (the same keys as ProjectFields). */
const SNAPSHOT_SQL = `jsonb_build_object(${PROJECT_FIELDS.map((f) => `'${f}', ${COLUMN_OF[f]}`).join(', ')})`;

/** `ORDER BY` for each `sort`; `id` breaks ties in the same direction so a backward index scan serves it. */
const ORDER_BY: Record<ProjectSort, string> = {
  updatedAt: 'p.updated_at ASC, p.id ASC',
  '-updatedAt': 'p.updated_at DESC, p.id DESC',
  createdAt: 'p.created_at ASC, p.id ASC',
  '-createdAt': 'p.created_at DESC, p.id DESC',
  title: 'lower(p.title) ASC, p.id ASC',
  '-title': 'lower(p.title) DESC, p.id DESC',
};

/** A LIKE pattern matching `text` anywhere, with LIKE's own wildcards taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export interface ProjectFilters {
  /** Only the projects where the caller has this role. */
  role?: ProjectRole;
  q?: string;
  status?: ProjectStatus;
  category?: string;
  tag?: string;
}

/**
 * The projects the caller may read, each with `role`: their own (by the user_id index, as before sharing)
 * UNION ALL the ones shared with them (project_members by its user index, then each project by its key).
 * The planner pushes the filters into both branches; `$6` (a role) switches a branch off.
 */
const READABLE_PROJECTS = `(
       SELECT p.*, 'owner'::text AS role FROM projects p
        WHERE p.user_id = $1 AND ($6::text IS NULL OR $6::text = 'owner')
       UNION ALL
       SELECT p.*, m.role FROM project_members m JOIN projects p ON p.id = m.project_id
        WHERE m.user_id = $1 AND ($6::text IS NULL OR m.role = $6::text)
     ) p`;

/**
 * Each sort's key, as keyset pagination compares it: the expression (with `p.id` after it, the ORDER BY
 * above) and its type. A cursor carries the last row's key in the text form PostgreSQL gives it
 * (`key::text`), which casts back to exactly the same value (timestamps keep their microseconds).
 */
const SORT_KEY: Record<ProjectSort, { sql: string; type: 'timestamptz' | 'text'; after: '>' | '<' }> = {
  updatedAt: { sql: 'p.updated_at', type: 'timestamptz', after: '>' },
  '-updatedAt': { sql: 'p.updated_at', type: 'timestamptz', after: '<' },
  createdAt: { sql: 'p.created_at', type: 'timestamptz', after: '>' },
  '-createdAt': { sql: 'p.created_at', type: 'timestamptz', after: '<' },
  title: { sql: 'lower(p.title)', type: 'text', after: '>' },
  '-title': { sql: 'lower(p.title)', type: 'text', after: '<' },
};

export const sortKeyType = (sort: ProjectSort) => SORT_KEY[sort].type;

/** Where a keyset page starts: after the row with this sort key (text form) and id. */
export interface ProjectKey {
  key: string;
  id: string;
}

/**
 * A page of the projects the caller may read, `limit` rows after `offset` rows or after the row `after`
 * (keyset pagination), with `total` (every project that matches the filters) and whether more follow.
 *
 * One statement: `limit + 1` rows (to know whether more follow), `counts` are columns of the row
 * (migration 0016, no count per row), and `total` comes with the page — a window count in page mode, one
 * uncorrelated count with a cursor; a second query only when the page is empty. docs/benchmarks.md has
 * the measurements behind these choices (ADR 0019).
 */
export async function findProjects(
  db: Database,
  userId: string,
  filters: ProjectFilters,
  sort: ProjectSort,
  limit: number,
  start: { offset: number } | { after: ProjectKey },
): Promise<{
  rows: Array<ProjectRow & { role: ProjectRole }>;
  total: number;
  /** The last row's sort key when more rows follow it; else null. */
  next: ProjectKey | null;
}> {
  const params: unknown[] = [
    userId,
    filters.q === undefined ? null : containsPattern(filters.q),
    filters.status ?? null,
    filters.category ?? null,
    filters.tag ?? null,
    filters.role ?? null,
  ];
  const where = `($2::text IS NULL OR p.title ILIKE $2 ESCAPE '\\' OR p.description ILIKE $2 ESCAPE '\\')
    AND ($3::text IS NULL OR p.status = $3)
    AND ($4::text IS NULL OR p.category = $4)
    AND ($5::text IS NULL OR p.tags @> ARRAY[$5::text])`;
  const key = SORT_KEY[sort];
  let keyset = '';
  // Page mode: the window count over the matches the page query reads anyway (measured as cheap as no total
  // at all, docs/benchmarks.md). Keyset mode reads only the rows after the cursor, so it counts separately.
  let total = 'count(*) OVER ()::int';
  if ('after' in start) {
    params.push(limit + 1, 0, start.after.key, start.after.id);
    keyset = `AND (${key.sql}, p.id) ${key.after} ($9::${key.type}, $10::uuid)`;
    total = `(SELECT count(*)::int FROM ${READABLE_PROJECTS} WHERE ${where})`;
  } else {
    params.push(limit + 1, start.offset);
  }
  // The page is chosen on narrow rows (id, role, key) and only its rows are read whole: sorting every
  // match's whole row (settings included) cost 3× as much for a user with 2,000 projects.
  const { rows } = await db.query<ProjectRow & { role: ProjectRole; sortKey: string; total: number }>(
    `WITH page AS (
       SELECT p.id, p.role, ${key.sql}::text AS sort_key, ${total} AS total,
              row_number() OVER (ORDER BY ${ORDER_BY[sort]}) AS n
         FROM ${READABLE_PROJECTS}
        WHERE ${where} ${keyset}
        ORDER BY ${ORDER_BY[sort]}
        LIMIT $7 OFFSET $8
     )
     SELECT ${projectColumns('p')}, page.role, page.sort_key AS "sortKey", page.total
       FROM page JOIN projects p ON p.id = page.id
      ORDER BY page.n`,
    params,
  );
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const count =
    rows[0]?.total ??
    (
      await db.query<{ total: number }>(
        `SELECT count(*)::int AS total FROM ${READABLE_PROJECTS} WHERE ${where}`,
        params.slice(0, 6),
      )
    ).rows[0].total;
  const last = page[page.length - 1];
  return {
    rows: page.map(({ total: _total, sortKey: _sortKey, ...row }) => row),
    total: count,
    next: more && last ? { key: last.sortKey, id: last.id } : null,
  };
}

/** The caller is parameter $2 in the project reads below. */
const READABLE = readableProjectSql('$2');

/** The project with the caller's role on it, when the caller may read it (one query); else null. */
export async function findReadableProject(
  db: Database,
  userId: string,
  id: string,
): Promise<(ProjectRow & { role: ProjectRole }) | null> {
  const { rows } = await db.query<ProjectRow & { role: ProjectRole }>(
    `SELECT ${projectColumns('p')}, ${READABLE.role} AS role
       FROM ${READABLE.from}
      WHERE p.id = $1 AND ${READABLE.readable}`,
    [id, userId],
  );
  return rows[0] ?? null;
}

/** The projects of `ids` the caller may read, with the caller's role on each (the sync feed); any order. */
export async function findReadableProjectsByIds(
  db: Database,
  userId: string,
  ids: readonly string[],
): Promise<Array<ProjectRow & { role: ProjectRole }>> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<ProjectRow & { role: ProjectRole }>(
    `SELECT ${projectColumns('p')}, ${READABLE.role} AS role
       FROM ${READABLE.from}
      WHERE p.id = ANY($1::uuid[]) AND ${READABLE.readable}`,
    [ids, userId],
  );
  return rows;
}

/** The project of owner `userId` (the caller checked access); null when it has no such project. */
export async function findProject(db: Database, userId: string, id: string): Promise<ProjectRow | null> {
  const { rows } = await db.query<ProjectRow>(
    `SELECT ${projectColumns('p')} FROM projects p WHERE p.id = $1 AND p.user_id = $2`,
    [id, userId],
  );
  return rows[0] ?? null;
}

/** The project's current version, or null when the user has no such project. */
export async function findProjectVersionNumber(
  db: Database,
  userId: string,
  id: string,
): Promise<number | null> {
  const { rows } = await db.query<{ version: number }>(
    'SELECT version FROM projects WHERE id = $1 AND user_id = $2',
    [id, userId],
  );
  return rows[0]?.version ?? null;
}

export async function insertProject(
  db: Database,
  userId: string,
  input: Omit<ProjectFields, 'coverImageId'>,
): Promise<ProjectRow> {
  const { rows } = await db.query<ProjectRow>(
    `INSERT INTO projects AS p (user_id, title, description, category, status, tags, settings)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     RETURNING ${projectColumns('p')}`,
    [
      userId,
      input.title,
      input.description,
      input.category,
      input.status,
      input.tags,
      JSON.stringify(input.settings),
    ],
  );
  return rows[0];
}

/**
 * Copies a project of `userId` (its owner) into a new project (version 1) of `toOwnerId` titled `title`;
 * null when not found.
 */
export async function insertProjectCopy(
  db: Database,
  userId: string,
  fromId: string,
  title: string,
  toOwnerId: string,
): Promise<string | null> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO projects (user_id, title, description, category, status, tags, settings)
     SELECT $4, $3, description, category, status, tags, settings
       FROM projects WHERE id = $1 AND user_id = $2
     RETURNING id`,
    [fromId, userId, title, toOwnerId],
  );
  return rows[0]?.id ?? null;
}

export async function updateCoverImage(
  db: Database,
  userId: string,
  id: string,
  coverImageId: string | null,
): Promise<void> {
  await db.query('UPDATE projects SET cover_image_id = $3 WHERE id = $1 AND user_id = $2', [
    id,
    userId,
    coverImageId,
  ]);
}

/**
 * Writes the given fields, bumps the version and answers the new row with the names of the fields whose
 * value changed. The If-Match check is in the WHERE clause: two writers expecting the same version
 * cannot both succeed. Null when nothing matched (no such project, or another version).
 */
export async function updateProject(
  db: Database,
  userId: string,
  id: string,
  fields: Partial<ProjectFields>,
  expectedVersion: readonly number[] | null,
): Promise<(ProjectRow & { changedFields: ProjectField[] }) | null> {
  const names = PROJECT_FIELDS.filter((f) => fields[f] !== undefined);
  const params: unknown[] = [id, userId, expectedVersion];
  const sets = names.map((name) => {
    const value = fields[name];
    params.push(name === 'settings' ? JSON.stringify(value) : value);
    return `${COLUMN_OF[name]} = $${params.length}`;
  });
  const changed = PROJECT_FIELDS.map(
    (f) => `CASE WHEN p.${COLUMN_OF[f]} IS DISTINCT FROM old.${COLUMN_OF[f]} THEN '${f}' END`,
  ).join(', ');
  const { rows } = await db.query<ProjectRow & { changedFields: ProjectField[] }>(
    `WITH old AS (
       SELECT id, ${PROJECT_FIELDS.map((f) => COLUMN_OF[f]).join(', ')}
         FROM projects WHERE id = $1 AND user_id = $2 FOR UPDATE
     )
     UPDATE projects p
        SET ${[...sets, 'version = p.version + 1', 'updated_at = now()'].join(', ')}
       FROM old
      WHERE p.id = old.id AND p.user_id = $2 AND ($3::int[] IS NULL OR p.version = ANY($3::int[]))
     RETURNING ${projectColumns('p')}, array_remove(ARRAY[${changed}]::text[], NULL) AS "changedFields"`,
    params,
  );
  return rows[0] ?? null;
}

/** Deletes the project (its stories and versions cascade); If-Match in the WHERE clause. */
export async function deleteProject(
  db: Database,
  userId: string,
  id: string,
  expectedVersion: readonly number[] | null,
): Promise<boolean> {
  const { rowCount } = await db.query(
    'DELETE FROM projects WHERE id = $1 AND user_id = $2 AND ($3::int[] IS NULL OR version = ANY($3::int[]))',
    [id, userId, expectedVersion],
  );
  return rowCount > 0;
}

/** Records the project's current fields as its current version, made by `changedBy` (the caller). */
export async function insertProjectVersion(
  db: Database,
  userId: string,
  id: string,
  changedFields: readonly string[],
  changedBy: string,
): Promise<void> {
  await db.query(
    `INSERT INTO project_versions (project_id, version, changed_fields, snapshot, changed_by)
     SELECT id, version, $3::text[], ${SNAPSHOT_SQL}, $4 FROM projects WHERE id = $1 AND user_id = $2`,
    [id, userId, changedFields, changedBy],
  );
}

export interface ProjectVersionSummary {
  version: number;
  createdAt: Date;
  changedFields: string[];
  /** Who made it (owner or editor); null once their account is gone. */
  changedBy: { id: string; displayName: string | null } | null;
}

const CHANGED_BY_SQL = `CASE WHEN u.id IS NULL THEN NULL
         ELSE json_build_object('id', u.id, 'displayName', u.display_name) END AS "changedBy"`;

export interface ProjectVersionRow extends ProjectVersionSummary {
  snapshot: ProjectFields;
}

export async function findProjectVersions(
  db: Database,
  userId: string,
  id: string,
  limit: number,
  offset: number,
): Promise<{ rows: ProjectVersionSummary[]; total: number }> {
  return pageWithTotal<ProjectVersionSummary>(
    db,
    `SELECT v.version, v.created_at AS "createdAt", v.changed_fields AS "changedFields", ${CHANGED_BY_SQL},
            count(*) OVER ()::int AS total
       FROM project_versions v
       JOIN projects p ON p.id = v.project_id
       LEFT JOIN users u ON u.id = v.changed_by
      WHERE p.id = $1 AND p.user_id = $2
      ORDER BY v.version DESC
      LIMIT $3 OFFSET $4`,
    [id, userId, limit, offset],
    `SELECT count(*)::int AS total
         FROM project_versions v JOIN projects p ON p.id = v.project_id
        WHERE p.id = $1 AND p.user_id = $2`,
    [id, userId],
  );
}

export async function findProjectVersion(
  db: Database,
  userId: string,
  id: string,
  version: number,
): Promise<ProjectVersionRow | null> {
  const { rows } = await db.query<ProjectVersionRow>(
    `SELECT v.version, v.created_at AS "createdAt", v.changed_fields AS "changedFields", ${CHANGED_BY_SQL},
            v.snapshot
       FROM project_versions v
       JOIN projects p ON p.id = v.project_id
       LEFT JOIN users u ON u.id = v.changed_by
      WHERE p.id = $1 AND p.user_id = $2 AND v.version = $3`,
    [id, userId, version],
  );
  return rows[0] ?? null;
}
