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

/** Child tables counted in `counts` (each has an index led by its `project_id` column). */
const COUNTED_CHILDREN: Record<keyof ProjectCounts, string> = {
  stories: 'stories',
  images: 'images',
  drawings: 'drawings',
};

/** `counts` for the project aliased `alias`: one indexed count per child table, per returned row. */
function countsSql(alias: string): string {
  const members = Object.entries(COUNTED_CHILDREN).map(
    ([key, table]) => `'${key}', (SELECT count(*) FROM ${table} c WHERE c.project_id = ${alias}.id)`,
  );
  return `json_build_object(${members.join(', ')})`;
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

export async function findProjects(
  db: Database,
  userId: string,
  filters: ProjectFilters,
  sort: ProjectSort,
  limit: number,
  offset: number,
): Promise<{ rows: Array<ProjectRow & { role: ProjectRole }>; total: number }> {
  const params = [
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
  // The page is chosen first and only its rows are counted: counts cost one index probe per child
  // table per row of the page, never per matching project.
  return pageWithTotal<ProjectRow & { role: ProjectRole }>(
    db,
    `WITH page AS (
       SELECT p.id, p.role, count(*) OVER ()::int AS total,
              row_number() OVER (ORDER BY ${ORDER_BY[sort]}) AS n
         FROM ${READABLE_PROJECTS}
        WHERE ${where}
        ORDER BY ${ORDER_BY[sort]}
        LIMIT $7 OFFSET $8
     )
     SELECT ${projectColumns('p')}, page.role, page.total
       FROM page JOIN projects p ON p.id = page.id
      ORDER BY page.n`,
    [...params, limit, offset],
    `SELECT count(*)::int AS total FROM ${READABLE_PROJECTS} WHERE ${where}`,
    params,
  );
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
