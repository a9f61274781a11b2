import { pageWithTotal, type Database } from '../../db/database';
import type { InvitationStatus, MemberRole } from './sharing.schemas';

export interface MemberView {
  userId: string;
  email: string;
  displayName: string | null;
  role: 'owner' | MemberRole;
  addedAt: Date;
}

export interface InvitationView {
  id: string;
  projectId: string;
  projectTitle: string;
  email: string;
  role: MemberRole;
  status: InvitationStatus;
  invitedBy: { id: string; displayName: string | null } | null;
  createdAt: Date;
  expiresAt: Date;
}

/** An invitation as the rules need it: its stored status, and whether it is past its expiry. */
export interface InvitationRow {
  id: string;
  projectId: string;
  email: string;
  role: MemberRole;
  status: 'pending' | 'accepted' | 'declined' | 'revoked';
  expired: boolean;
}

export interface LockedProject {
  id: string;
  ownerId: string;
}

/** The project row, locked until the transaction ends: every sharing write takes it first. */
export async function lockProject(db: Database, projectId: string): Promise<LockedProject | null> {
  const { rows } = await db.query<LockedProject>(
    'SELECT id, user_id AS "ownerId" FROM projects WHERE id = $1 FOR UPDATE',
    [projectId],
  );
  return rows[0] ?? null;
}

/** The project's owner, unlocked (a transfer reads it to lock the users' rows before the project). */
export async function findProjectOwner(db: Database, projectId: string): Promise<string | null> {
  const { rows } = await db.query<{ ownerId: string }>(
    'SELECT user_id AS "ownerId" FROM projects WHERE id = $1',
    [projectId],
  );
  return rows[0]?.ownerId ?? null;
}

/** The owner's plan. */
export async function findPlanOf(
  db: Database,
  userId: string,
): Promise<'free' | 'pro' | 'enterprise' | null> {
  const { rows } = await db.query<{ plan: 'free' | 'pro' | 'enterprise' }>(
    'SELECT plan FROM users WHERE id = $1',
    [userId],
  );
  return rows[0]?.plan ?? null;
}

export async function findUserEmail(
  db: Database,
  userId: string,
): Promise<{ email: string; emailVerified: boolean } | null> {
  const { rows } = await db.query<{ email: string; emailVerified: boolean }>(
    'SELECT email, email_verified AS "emailVerified" FROM users WHERE id = $1',
    [userId],
  );
  return rows[0] ?? null;
}

/**
 * Locks the users' rows, in ascending id order (every transaction that locks two users' rows takes them in
 * this order), until the transaction ends. Answers how many exist.
 */
export async function lockUsers(db: Database, userIds: string[]): Promise<number> {
  let found = 0;
  for (const id of [...new Set(userIds.map((id) => id.toLowerCase()))].sort()) {
    const { rows } = await db.query('SELECT id FROM users WHERE id = $1 FOR NO KEY UPDATE', [id]);
    found += rows.length;
  }
  return found;
}

const MEMBER_COLUMNS = `u.id AS "userId", u.email, u.display_name AS "displayName"`;

/** Everyone on the project: the owner first, then the members by when they joined. */
export async function findMembers(
  db: Database,
  projectId: string,
  limit: number,
  offset: number,
): Promise<{ rows: MemberView[]; total: number }> {
  return pageWithTotal<MemberView>(
    db,
    `SELECT "userId", email, "displayName", role, "addedAt", count(*) OVER () AS total
       FROM (SELECT ${MEMBER_COLUMNS}, 'owner' AS role, p.created_at AS "addedAt", 0 AS rank
               FROM projects p JOIN users u ON u.id = p.user_id
              WHERE p.id = $1
             UNION ALL
             SELECT ${MEMBER_COLUMNS}, m.role, m.added_at, 1
               FROM project_members m JOIN users u ON u.id = m.user_id
              WHERE m.project_id = $1) AS everyone
      ORDER BY rank, "addedAt", "userId"
      LIMIT $2 OFFSET $3`,
    [projectId, limit, offset],
    `SELECT (SELECT count(*) FROM projects WHERE id = $1)
          + (SELECT count(*) FROM project_members WHERE project_id = $1) AS total`,
    [projectId],
  );
}

/** One person on the project as a Member (the owner too), or null when they are neither. */
export async function findMember(
  db: Database,
  projectId: string,
  userId: string,
): Promise<MemberView | null> {
  const { rows } = await db.query<MemberView>(
    `SELECT ${MEMBER_COLUMNS}, 'owner' AS role, p.created_at AS "addedAt"
       FROM projects p JOIN users u ON u.id = p.user_id
      WHERE p.id = $1 AND p.user_id = $2
     UNION ALL
     SELECT ${MEMBER_COLUMNS}, m.role, m.added_at
       FROM project_members m JOIN users u ON u.id = m.user_id
      WHERE m.project_id = $1 AND m.user_id = $2`,
    [projectId, userId],
  );
  return rows[0] ?? null;
}

/** A member's role (not the owner's: the owner has no row), locking the row. */
export async function lockMemberRole(
  db: Database,
  projectId: string,
  userId: string,
): Promise<MemberRole | null> {
  const { rows } = await db.query<{ role: MemberRole }>(
    'SELECT role FROM project_members WHERE project_id = $1 AND user_id = $2 FOR UPDATE',
    [projectId, userId],
  );
  return rows[0]?.role ?? null;
}

export async function insertMember(
  db: Database,
  projectId: string,
  userId: string,
  role: MemberRole,
): Promise<void> {
  await db.query('INSERT INTO project_members (project_id, user_id, role) VALUES ($1, $2, $3)', [
    projectId,
    userId,
    role,
  ]);
}

export async function updateMemberRole(
  db: Database,
  projectId: string,
  userId: string,
  role: MemberRole,
): Promise<boolean> {
  const { rowCount } = await db.query(
    'UPDATE project_members SET role = $3 WHERE project_id = $1 AND user_id = $2',
    [projectId, userId, role],
  );
  return rowCount > 0;
}

export async function deleteMember(db: Database, projectId: string, userId: string): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM project_members WHERE project_id = $1 AND user_id = $2', [
    projectId,
    userId,
  ]);
  return rowCount > 0;
}

/** Whether the address (case-insensitive) is the owner's or a member's. */
export async function emailOnProject(db: Database, projectId: string, email: string): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT 1 FROM users u
      WHERE lower(u.email) = lower($2)
        AND (u.id = (SELECT user_id FROM projects WHERE id = $1)
             OR EXISTS (SELECT 1 FROM project_members m WHERE m.project_id = $1 AND m.user_id = u.id))`,
    [projectId, email],
  );
  return rows.length > 0;
}

/**
 * The project's collaborators as the plan counts them: its members and its pending, unexpired invitations,
 * leaving out a pending invitation to `exceptEmail` (the one a re-invitation replaces).
 */
export async function countCollaborators(
  db: Database,
  projectId: string,
  exceptEmail: string,
): Promise<number> {
  const { rows } = await db.query<{ total: number }>(
    `SELECT (SELECT count(*) FROM project_members WHERE project_id = $1)
          + (SELECT count(*) FROM project_invitations
              WHERE project_id = $1 AND status = 'pending' AND expires_at > now()
                AND lower(email) <> lower($2)) AS total`,
    [projectId, exceptEmail],
  );
  return Number(rows[0].total);
}

/** Ends the pending invitation (expired or not) to this address: a new one replaces it. */
export async function replacePendingInvitation(
  db: Database,
  projectId: string,
  email: string,
): Promise<void> {
  await db.query(
    `UPDATE project_invitations SET status = 'revoked', responded_at = now()
      WHERE project_id = $1 AND lower(email) = lower($2) AND status = 'pending'`,
    [projectId, email],
  );
}

export async function insertInvitation(
  db: Database,
  invitation: {
    projectId: string;
    email: string;
    role: MemberRole;
    tokenHash: string;
    invitedBy: string;
    ttlSeconds: number;
  },
): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO project_invitations (project_id, email, role, token_hash, invited_by, expires_at)
     VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))
     RETURNING id`,
    [
      invitation.projectId,
      invitation.email,
      invitation.role,
      invitation.tokenHash,
      invitation.invitedBy,
      invitation.ttlSeconds,
    ],
  );
  return rows[0].id;
}

const INVITATION_VIEW = `
  SELECT i.id, i.project_id AS "projectId", p.title AS "projectTitle", i.email, i.role,
         CASE WHEN i.status = 'pending' AND i.expires_at <= now() THEN 'expired' ELSE i.status END AS status,
         CASE WHEN inviter.id IS NULL THEN NULL
              ELSE json_build_object('id', inviter.id, 'displayName', inviter.display_name) END AS "invitedBy",
         i.created_at AS "createdAt", i.expires_at AS "expiresAt"
    FROM project_invitations i
    JOIN projects p ON p.id = i.project_id
    LEFT JOIN users inviter ON inviter.id = i.invited_by`;

export async function findInvitation(db: Database, id: string): Promise<InvitationView | null> {
  const { rows } = await db.query<InvitationView>(`${INVITATION_VIEW} WHERE i.id = $1`, [id]);
  return rows[0] ?? null;
}

/** The project's pending invitations (expired ones too, answered as `expired`), newest first. */
export async function findProjectInvitations(
  db: Database,
  projectId: string,
  limit: number,
  offset: number,
): Promise<{ rows: InvitationView[]; total: number }> {
  return pageWithTotal<InvitationView>(
    db,
    `${INVITATION_VIEW.replace('SELECT i.id,', 'SELECT count(*) OVER () AS total, i.id,')}
      WHERE i.project_id = $1 AND i.status = 'pending'
      ORDER BY i.created_at DESC, i.id DESC
      LIMIT $2 OFFSET $3`,
    [projectId, limit, offset],
    `SELECT count(*) AS total FROM project_invitations WHERE project_id = $1 AND status = 'pending'`,
    [projectId],
  );
}

/** The live invitations addressed to the user's email (case-insensitive), newest first. */
export async function findInvitationsForUser(
  db: Database,
  userId: string,
  limit: number,
  offset: number,
): Promise<{ rows: InvitationView[]; total: number }> {
  const where = `lower(i.email) = (SELECT lower(email) FROM users WHERE id = $1)
                 AND i.status = 'pending' AND i.expires_at > now()`;
  return pageWithTotal<InvitationView>(
    db,
    `${INVITATION_VIEW.replace('SELECT i.id,', 'SELECT count(*) OVER () AS total, i.id,')}
      WHERE ${where}
      ORDER BY i.created_at DESC, i.id DESC
      LIMIT $2 OFFSET $3`,
    [userId, limit, offset],
    `SELECT count(*) AS total FROM project_invitations i WHERE ${where}`,
    [userId],
  );
}

const INVITATION_ROW = `SELECT id, project_id AS "projectId", email, role, status, expires_at <= now() AS expired
                          FROM project_invitations`;

export async function findInvitationRow(db: Database, id: string): Promise<InvitationRow | null> {
  const { rows } = await db.query<InvitationRow>(`${INVITATION_ROW} WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

export async function findInvitationRowByHash(
  db: Database,
  tokenHash: string,
): Promise<InvitationRow | null> {
  const { rows } = await db.query<InvitationRow>(`${INVITATION_ROW} WHERE token_hash = $1`, [tokenHash]);
  return rows[0] ?? null;
}

/** The invitation, locked (after its project: the sharing lock order). */
export async function lockInvitationRow(db: Database, id: string): Promise<InvitationRow | null> {
  const { rows } = await db.query<InvitationRow>(`${INVITATION_ROW} WHERE id = $1 FOR UPDATE`, [id]);
  return rows[0] ?? null;
}

export async function setInvitationStatus(
  db: Database,
  id: string,
  status: 'accepted' | 'declined' | 'revoked',
): Promise<void> {
  await db.query('UPDATE project_invitations SET status = $2, responded_at = now() WHERE id = $1', [
    id,
    status,
  ]);
}

/** Revokes a pending invitation of the project (expired ones too); false when there is none. */
export async function revokeInvitation(
  db: Database,
  projectId: string,
  invitationId: string,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE project_invitations SET status = 'revoked', responded_at = now()
      WHERE id = $1 AND project_id = $2 AND status = 'pending'`,
    [invitationId, projectId],
  );
  return rowCount > 0;
}

/**
 * The bytes of the project's stored files as storage use counts them: image originals and drawing PNGs
 * (thumbnails do not count; src/modules/storage-usage). Text bytes are the triggers' (migration 0010).
 */
export async function fileBytesOfProject(db: Database, projectId: string): Promise<number> {
  const { rows } = await db.query<{ bytes: number }>(
    `SELECT (SELECT coalesce(sum(size_bytes), 0) FROM images WHERE project_id = $1)
          + (SELECT coalesce(sum(size_bytes), 0) FROM drawings WHERE project_id = $1) AS bytes`,
    [projectId],
  );
  return Number(rows[0].bytes);
}

/**
 * Gives the project to a new owner. Its stories, images and drawings follow in the same statement (ON UPDATE
 * CASCADE, migration 0012), and the text-storage triggers (0010) move their text bytes.
 */
export async function setProjectOwner(db: Database, projectId: string, ownerId: string): Promise<void> {
  await db.query('UPDATE projects SET user_id = $2 WHERE id = $1', [projectId, ownerId]);
}
