import type { Database } from '../../db/database';
import { forbidden, notFound } from '../../http/errors';

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

/** The roles that may do `need`, for SQL (`role = ANY($n)`). */
export const rolesFor = (need: ProjectNeed): ProjectRole[] => [...ALLOWED[need]];

export interface ProjectAccess {
  projectId: string;
  /** The owner: whose storage the project's rows and files count against, and whose id they carry. */
  ownerId: string;
  role: ProjectRole;
}

/**
 * SQL for the caller's role on the project row `alias`, with the caller's id in parameter `userParam`
 * (e.g. `roleSql('p', '$1')`): 'owner', 'editor', 'viewer' or NULL. One indexed probe of project_members.
 */
export const roleSql = (alias: string, userParam: string): string =>
  `CASE WHEN ${alias}.user_id = ${userParam} THEN 'owner'
        ELSE (SELECT m.role FROM project_members m WHERE m.project_id = ${alias}.id AND m.user_id = ${userParam}) END`;

/**
 * SQL that is true when the caller (parameter `userParam`) may see the project whose id is `projectIdSql`
 * and whose owner id is `ownerIdSql` — for child tables, whose user_id is always the project's owner:
 * `canReadSql('s.project_id', 's.user_id', '$2')`.
 */
export const canReadSql = (projectIdSql: string, ownerIdSql: string, userParam: string): string =>
  `(${ownerIdSql} = ${userParam} OR EXISTS (SELECT 1 FROM project_members m
     WHERE m.project_id = ${projectIdSql} AND m.user_id = ${userParam}))`;

/** The caller's access to the project, or null when they are not a member (or it does not exist). */
export async function projectAccess(
  db: Database,
  userId: string,
  projectId: string,
): Promise<ProjectAccess | null> {
  const { rows } = await db.query<ProjectAccess>(
    `SELECT p.id AS "projectId", p.user_id AS "ownerId",
            CASE WHEN p.user_id = $2 THEN 'owner' ELSE m.role END AS role
       FROM projects p
       LEFT JOIN project_members m ON m.project_id = p.id AND m.user_id = $2
      WHERE p.id = $1 AND (p.user_id = $2 OR m.user_id IS NOT NULL)`,
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
