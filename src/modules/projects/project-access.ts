import type { AppContext } from '../../context';
import type { Database } from '../../db/database';
import { forbidden, notFound, serviceUnavailable } from '../../http/errors';
import { withinStorageLimit } from '../storage-usage/storage-usage.service';

/**
 * The one access seam for a project and everything in it (ADR 0014, docs/collaboration.md). Every route
 * that touches a project, its stories, images, drawings, versions, exports, files or members asks here;
 * no module repeats an ownership check of its own.
 *
 * A caller is the project's owner (projects.user_id), a member (project_members: editor or viewer) or
 * nobody. Nobody gets 404, as if the project did not exist; a member whose role does not allow the action
 * gets 403 FORBIDDEN.
 */
export type ProjectRole = 'owner' | 'editor' | 'viewer';

/** What an action needs: `read` (any member), `write` (owner, editor), `manage` (owner only). */
export type ProjectNeed = 'read' | 'write' | 'manage';

const ALLOWED: Record<ProjectNeed, readonly ProjectRole[]> = {
  read: ['owner', 'editor', 'viewer'],
  write: ['owner', 'editor'],
  manage: ['owner'],
};

export const roleAllows = (role: ProjectRole, need: ProjectNeed): boolean => ALLOWED[need].includes(role);

export interface ProjectAccess {
  projectId: string;
  /** The owner: whose storage the project's rows and files count against, and whose id they carry. */
  ownerId: string;
  role: ProjectRole;
}

/**
 * The projects the caller (parameter `userParam`) may read, as SQL over `projects p`: `from` (the table and
 * one LEFT JOIN of the caller's project_members row, `m`), `role` (the caller's role: 'owner', 'editor' or
 * 'viewer') and `readable` (the condition). The access checks and the project reads share it, so the
 * rule "the owner, or a member" is written once.
 */
export const readableProjectSql = (userParam: string) => ({
  from: `projects p LEFT JOIN project_members m ON m.project_id = p.id AND m.user_id = ${userParam}`,
  role: `CASE WHEN p.user_id = ${userParam} THEN 'owner' ELSE m.role END`,
  readable: `(p.user_id = ${userParam} OR m.user_id IS NOT NULL)`,
});

const READABLE = readableProjectSql('$2');

/**
 * SQL that is true when the caller (parameter `userParam`) may see the project whose id is `projectIdSql`
 * and whose owner id is `ownerIdSql` — for child tables, whose user_id is always the project's owner:
 * `canReadSql('s.project_id', 's.user_id', '$2')`.
 */
export const canReadSql = (projectIdSql: string, ownerIdSql: string, userParam: string): string =>
  `(${ownerIdSql} = ${userParam} OR EXISTS (SELECT 1 FROM project_members m
     WHERE m.project_id = ${projectIdSql} AND m.user_id = ${userParam}))`;

/**
 * FROM-clause SQL for the rows of a child table (stories, images, drawings) in every project the caller
 * (parameter `userParam`) may read, aliased `alias`, with the `columns` a list needs (its order and filter
 * columns: not whole rows, which would carry long texts through the sort): the rows of their own projects by the table's user_id
 * index (children carry their project's owner id) UNION ALL those of the projects shared with them
 * (project_members by its user index, then the table's project_id index). The owner never has a member
 * row, so no row comes twice. An `OR EXISTS (member)` in the WHERE clause instead made PostgreSQL scan the
 * whole table (docs/collaboration.md).
 */
export function readableChildrenSql(
  table: ChildTable,
  alias: string,
  userParam: string,
  columns: readonly string[],
): string {
  const list = columns.map((column) => `c.${column}`).join(', ');
  return `(SELECT ${list} FROM ${table} c WHERE c.user_id = ${userParam}
     UNION ALL
     SELECT ${list} FROM project_members m JOIN ${table} c ON c.project_id = m.project_id
      WHERE m.user_id = ${userParam}) ${alias}`;
}

/** The caller's access to the project, or null when they are not a member (or it does not exist). */
export async function projectAccess(
  db: Database,
  userId: string,
  projectId: string,
): Promise<ProjectAccess | null> {
  const { rows } = await db.query<ProjectAccess>(
    `SELECT p.id AS "projectId", p.user_id AS "ownerId", ${READABLE.role} AS role
       FROM ${READABLE.from}
      WHERE p.id = $1 AND ${READABLE.readable}`,
    [projectId, userId],
  );
  return rows[0] ?? null;
}

/**
 * The caller's access, when it allows `need`. Not a member: 404 (`what` not found). A member whose role
 * does not allow it: 403 FORBIDDEN.
 */
export async function requireProjectAccess(
  db: Database,
  userId: string,
  projectId: string,
  need: ProjectNeed,
  what = 'Project',
): Promise<ProjectAccess> {
  const access = await projectAccess(db, userId, projectId);
  if (!access) throw notFound(what);
  assertRole(access.role, need);
  return access;
}

/** 403 FORBIDDEN unless `role` allows `need`. */
export function assertRole(role: ProjectRole, need: ProjectNeed): void {
  if (!roleAllows(role, need)) {
    throw forbidden(
      need === 'manage'
        ? 'Only the project owner may do this'
        : `Your role on this project (${role}) does not allow this`,
    );
  }
}

/**
 * The caller's access like `requireProjectAccess`, with the project row share-locked (FOR KEY SHARE) until
 * the transaction ends: a transfer (which changes projects.user_id) or a delete waits, so the owner this
 * answers stays the owner while the transaction writes rows and counts bytes against them.
 */
export async function lockProjectAccess(
  tx: Database,
  userId: string,
  projectId: string,
  need: ProjectNeed,
  what = 'Project',
): Promise<ProjectAccess> {
  const { rows } = await tx.query<ProjectAccess>(
    `SELECT p.id AS "projectId", p.user_id AS "ownerId", ${READABLE.role} AS role
       FROM ${READABLE.from}
      WHERE p.id = $1 AND ${READABLE.readable}
        FOR KEY SHARE OF p`,
    [projectId, userId],
  );
  const access = rows[0];
  if (!access) throw notFound(what);
  assertRole(access.role, need);
  return access;
}

/** The tables of a project's children; each row carries project_id and the owner's id in user_id. */
export type ChildTable = 'stories' | 'images' | 'drawings';

/**
 * The project of a child row the caller may read (any role), or null — not found, or not a member of its
 * project. One query; a write then asks `withProjectWrite` for that project.
 */
export async function childProjectId(
  db: Database,
  table: ChildTable,
  userId: string,
  id: string,
): Promise<string | null> {
  const { rows } = await db.query<{ projectId: string }>(
    `SELECT c.project_id AS "projectId" FROM ${table} c
      WHERE c.id = $1 AND ${canReadSql('c.project_id', 'c.user_id', '$2')}`,
    [id, userId],
  );
  return rows[0]?.projectId ?? null;
}

/** Thrown inside a write when the project changed owner between the check and the lock; it is retried. */
class OwnerChanged extends Error {}

/**
 * Runs `work` in one transaction as a write of `need` on the project, in the storage lock order: the
 * OWNER's user row first (withinStorageLimit: the stored text the work adds stays within the owner's
 * plan), then the project row share-locked (`lockProjectAccess`), then whatever rows `work` touches. The
 * owner is read before the transaction (to know whose row to lock); when a transfer moved the project in
 * between, the transaction is rolled back and run again with the new owner, so bytes never count
 * against the wrong user. `seen` is an access the caller already checked (it skips that first read).
 * 404 for a non-member, 403 FORBIDDEN when the role does not allow `need`.
 */
export async function withProjectWrite<T>(
  ctx: AppContext,
  userId: string,
  projectId: string,
  need: ProjectNeed,
  what: string,
  work: (tx: Database, access: ProjectAccess) => Promise<T>,
  seen?: ProjectAccess,
): Promise<T> {
  let expected = seen ?? (await requireProjectAccess(ctx.db, userId, projectId, need, what));
  for (let attempt = 1; ; attempt++) {
    try {
      return await ctx.db.transaction((tx) =>
        withinStorageLimit(ctx, tx, expected.ownerId, async () => {
          const access = await lockProjectAccess(tx, userId, projectId, need, what);
          if (access.ownerId !== expected.ownerId) throw new OwnerChanged();
          return work(tx, access);
        }),
      );
    } catch (error) {
      if (!(error instanceof OwnerChanged)) throw error;
      // Three transfers in a row while one write waited: unheard of; the client may simply retry.
      if (attempt >= 3) throw serviceUnavailable('The project changed owner during this write; try again');
      expected = await requireProjectAccess(ctx.db, userId, projectId, need, what);
    }
  }
}
