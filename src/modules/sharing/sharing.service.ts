/**
 * Sharing a project: invitations by email, the members and their roles, and the transfer of ownership
 * (docs/collaboration.md, "Invitations, members and transfer"; ADR 0015). Who may do what is the access
 * seam's (projects' requireProjectAccess); what this module adds is the membership itself.
 *
 * Lock order. Every sharing write locks the project row (FOR UPDATE) first, then the member and invitation
 * rows it reads: concurrent accepts, revokes, removals, role changes and transfers of one project run one
 * after another and always see each other's result. A transfer also moves storage use, so it first locks
 * both users' rows in ascending id order, then the project — the order of every storage change (user rows,
 * then project, then children; src/modules/storage-usage) — so it never deadlocks with an upload.
 */
import type { AppContext } from '../../context';
import type { Database } from '../../db/database';
import { appError, notFound, unauthenticated, validationError } from '../../http/errors';
import { emailNotVerified } from '../../http/guards';
import { hashToken, newOpaqueToken } from '../../lib/tokens';
import { appLink, projectInvitationMail } from '../../mail/templates';
import {
  assertRole,
  getProject,
  projectAccess,
  requireProjectAccess,
  type Project,
  type ProjectAccess,
  type ProjectNeed,
} from '../projects/projects.service';
import { changeStorageUsage, withinStorageLimit } from '../storage-usage/storage-usage.service';
import * as q from './sharing.queries';
import { INVITATION_TTL_S, type MemberRole } from './sharing.schemas';

export type Member = q.MemberView;
export type Invitation = q.InvitationView;

export const alreadyMember = (detail: string) => appError('ALREADY_MEMBER', detail);
const invalidToken = () =>
  appError('INVALID_TOKEN', 'This invitation link is invalid, already used, revoked or expired');
const accountGone = () => unauthenticated('The account for this token no longer exists');
const invitationNotFound = () => notFound('Invitation');

/** The page of the SPA an invitation link opens. */
export const INVITATION_PAGE = '/accept-invitation';

/** Locks the project row, then asks the access seam inside the same transaction. */
async function lockAccess(
  tx: Database,
  userId: string,
  projectId: string,
  need: ProjectNeed,
): Promise<ProjectAccess> {
  if (!(await q.lockProject(tx, projectId))) throw notFound('Project');
  return requireProjectAccess(tx, userId, projectId, need);
}

export async function listMembers(
  ctx: AppContext,
  userId: string,
  projectId: string,
  paging: { page: number; limit: number },
) {
  await requireProjectAccess(ctx.db, userId, projectId, 'read');
  return q.findMembers(ctx.db, projectId, paging.limit, (paging.page - 1) * paging.limit);
}

/** How many collaborators (members and live invitations) the owner's plan allows on one project. */
async function collaboratorLimit(ctx: AppContext, tx: Database, ownerId: string): Promise<number> {
  const plan = (await q.findPlanOf(tx, ownerId)) ?? 'free';
  return ctx.config.plans[plan].collaborators;
}

/**
 * Invites an address to the project (owner only) and mails it a single-use link, valid 7 days. A pending
 * invitation to the same address is replaced: its token stops working.
 */
export async function invite(
  ctx: AppContext,
  userId: string,
  projectId: string,
  input: { email: string; role: MemberRole },
): Promise<Invitation> {
  const token = newOpaqueToken();
  const invitation = await ctx.db.transaction(async (tx) => {
    const access = await lockAccess(tx, userId, projectId, 'manage');
    if (await q.emailOnProject(tx, projectId, input.email)) {
      throw alreadyMember('This address already belongs to the owner or a member of the project');
    }
    const limit = await collaboratorLimit(ctx, tx, access.ownerId);
    const count = await q.countCollaborators(tx, projectId, input.email);
    if (count >= limit) {
      throw appError(
        'PLAN_REQUIRED',
        `The owner's plan allows ${limit} collaborators per project (members and pending invitations); ` +
          'remove one, or upgrade the plan',
        { extra: { collaboratorLimit: limit } },
      );
    }
    await q.replacePendingInvitation(tx, projectId, input.email);
    const id = await q.insertInvitation(tx, {
      projectId,
      email: input.email,
      role: input.role,
      tokenHash: token.hash,
      invitedBy: userId,
      ttlSeconds: INVITATION_TTL_S,
    });
    // In the invitation's transaction: the mail exists exactly when the invitation does (docs/mail.md).
    await ctx.mailer.send<InvitationMail>(tx, 'project_invitation', { token: token.token });
    return (await q.findInvitation(tx, id))!;
  });
  ctx.mailer.wake();
  return invitation;
}

/** An invitation mail job's sealed payload: the link's token (its hash finds the invitation). */
interface InvitationMail {
  token: string;
}

/**
 * Composes an invitation mail when its job runs: nothing once the invitation is no longer pending (revoked,
 * replaced by a newer one, accepted, expired), so a late retry never mails a dead link.
 */
export function defineInvitationMail(ctx: AppContext): void {
  ctx.mailer.define<InvitationMail>('project_invitation', async ({ token }) => {
    const invitation = await q.findInvitationRowByHash(ctx.db, hashToken(token));
    if (!invitation || invitation.status !== 'pending' || invitation.expired) return null;
    const link = appLink(ctx.config.appUrl, INVITATION_PAGE, token);
    return {
      to: invitation.email,
      link,
      ...projectInvitationMail({ link, ttlSeconds: INVITATION_TTL_S, role: invitation.role }),
    };
  });
}

export async function listProjectInvitations(
  ctx: AppContext,
  userId: string,
  projectId: string,
  paging: { page: number; limit: number },
) {
  await requireProjectAccess(ctx.db, userId, projectId, 'manage');
  return q.findProjectInvitations(ctx.db, projectId, paging.limit, (paging.page - 1) * paging.limit);
}

export async function revokeInvitation(
  ctx: AppContext,
  userId: string,
  projectId: string,
  invitationId: string,
): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    await lockAccess(tx, userId, projectId, 'manage');
    if (!(await q.revokeInvitation(tx, projectId, invitationId))) throw invitationNotFound();
  });
}

/**
 * The caller's address, when it is verified: only then do invitations to it count as the caller's (anyone
 * can sign up with an address they do not own). 403 EMAIL_NOT_VERIFIED otherwise.
 */
async function verifiedEmailOf(db: Database, userId: string): Promise<string> {
  const user = await q.findUserEmail(db, userId);
  if (!user) throw accountGone();
  if (!user.emailVerified) throw emailNotVerified();
  return user.email;
}

export async function listMyInvitations(
  ctx: AppContext,
  userId: string,
  paging: { page: number; limit: number },
) {
  await verifiedEmailOf(ctx.db, userId);
  return q.findInvitationsForUser(ctx.db, userId, paging.limit, (paging.page - 1) * paging.limit);
}

/** The caller joins the project of a live invitation whose project and row are locked. */
async function join(tx: Database, userId: string, invitation: q.InvitationRow): Promise<Member> {
  const access = await projectAccess(tx, userId, invitation.projectId);
  if (access) {
    throw alreadyMember(
      access.role === 'owner'
        ? 'You own this project'
        : `You are already a member of this project (${access.role})`,
    );
  }
  await q.insertMember(tx, invitation.projectId, userId, invitation.role);
  await q.setInvitationStatus(tx, invitation.id, 'accepted');
  return (await q.findMember(tx, invitation.projectId, userId))!;
}

const isLive = (invitation: q.InvitationRow | null): invitation is q.InvitationRow =>
  invitation !== null && invitation.status === 'pending' && !invitation.expired;

/**
 * Accepts with the mailed token, whatever address the caller signed in with: the token proves that the
 * link reached the invited address. A used, revoked, declined, replaced or expired token → 400 INVALID_TOKEN.
 */
export async function acceptByToken(ctx: AppContext, userId: string, token: string): Promise<Member> {
  const found = await q.findInvitationRowByHash(ctx.db, hashToken(token));
  if (!found) throw invalidToken();
  return ctx.db.transaction(async (tx) => {
    if (!(await q.lockProject(tx, found.projectId))) throw invalidToken();
    const invitation = await q.lockInvitationRow(tx, found.id);
    if (!isLive(invitation)) throw invalidToken();
    return join(tx, userId, invitation);
  });
}

/** A live invitation to the caller's verified address, locked with its project; else 404. */
async function lockOwnInvitation(
  tx: Database,
  email: string,
  invitationId: string,
): Promise<q.InvitationRow> {
  const found = await q.findInvitationRow(tx, invitationId);
  const mine = (row: q.InvitationRow | null): row is q.InvitationRow =>
    isLive(row) && row.email.toLowerCase() === email.toLowerCase();
  if (!mine(found)) throw invitationNotFound();
  if (!(await q.lockProject(tx, found.projectId))) throw invitationNotFound();
  const invitation = await q.lockInvitationRow(tx, invitationId);
  if (!mine(invitation)) throw invitationNotFound();
  return invitation;
}

export async function acceptById(ctx: AppContext, userId: string, invitationId: string): Promise<Member> {
  return ctx.db.transaction(async (tx) => {
    const email = await verifiedEmailOf(tx, userId);
    return join(tx, userId, await lockOwnInvitation(tx, email, invitationId));
  });
}

export async function declineById(ctx: AppContext, userId: string, invitationId: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const email = await verifiedEmailOf(tx, userId);
    const invitation = await lockOwnInvitation(tx, email, invitationId);
    await q.setInvitationStatus(tx, invitation.id, 'declined');
  });
}

export async function changeRole(
  ctx: AppContext,
  userId: string,
  projectId: string,
  memberId: string,
  role: MemberRole,
): Promise<Member> {
  return ctx.db.transaction(async (tx) => {
    const access = await lockAccess(tx, userId, projectId, 'manage');
    if (access.ownerId === memberId.toLowerCase()) {
      throw appError(
        'OWNER_ROLE_FIXED',
        "The owner's role cannot be changed; transfer the project (POST /api/projects/{id}/transfer) instead",
      );
    }
    if (!(await q.updateMemberRole(tx, projectId, memberId, role))) throw notFound('Member');
    return (await q.findMember(tx, projectId, memberId))!;
  });
}

/** The owner removes a member, or a member leaves. The owner cannot leave: 409 OWNER_CANNOT_LEAVE. */
export async function removeMember(
  ctx: AppContext,
  userId: string,
  projectId: string,
  memberId: string,
): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    if (!(await q.lockProject(tx, projectId))) throw notFound('Project');
    const access = await projectAccess(tx, userId, projectId);
    if (!access) throw notFound('Project');
    const self = memberId.toLowerCase() === userId;
    if (self && access.role === 'owner') {
      throw appError(
        'OWNER_CANNOT_LEAVE',
        'The owner cannot leave the project; transfer it to a member first (POST /api/projects/{id}/transfer)',
      );
    }
    if (!self) assertRole(access.role, 'manage');
    if (!(await q.deleteMember(tx, projectId, memberId))) throw notFound('Member');
  });
}

/** A transfer whose project changes owner between its first read and its lock starts over, this often at most. */
const TRANSFER_ATTEMPTS = 3;

const notAMember = () =>
  validationError('userId must be a member of the project other than its owner', [
    { path: 'userId', message: 'must be a member of the project (editor or viewer)' },
  ]);

/**
 * Makes a member the owner and the old owner an editor, in one transaction. The project's stored file bytes
 * move from the old owner's storage use to the new owner's (its text bytes move by the triggers of 0010);
 * past the new owner's plan limit → 403 STORAGE_QUOTA_EXCEEDED and nothing changes.
 */
export async function transfer(
  ctx: AppContext,
  userId: string,
  projectId: string,
  newOwnerId: string,
): Promise<Project> {
  const target = newOwnerId.toLowerCase();
  // The users' rows are locked before the project (the storage lock order), so whose rows is read unlocked
  // first; when the owner changed before the project lock was ours, the wrong rows are locked: start over.
  for (let attempt = 1; ; attempt++) {
    const done = await ctx.db.transaction(async (tx) => {
      const ownerBefore = await q.findProjectOwner(tx, projectId);
      if (!ownerBefore) throw notFound('Project');
      await q.lockUsers(tx, [ownerBefore, target]);
      const access = await lockAccess(tx, userId, projectId, 'manage');
      if (access.ownerId !== ownerBefore) return false;
      if (target === userId || !(await q.lockMemberRole(tx, projectId, target))) throw notAMember();
      const fileBytes = await q.fileBytesOfProject(tx, projectId);
      await withinStorageLimit(ctx, tx, target, async () => {
        await q.deleteMember(tx, projectId, target);
        await q.setProjectOwner(tx, projectId, target);
        await q.insertMember(tx, projectId, userId, 'editor');
        await changeStorageUsage(ctx, tx, userId, -fileBytes);
        await changeStorageUsage(ctx, tx, target, fileBytes);
      });
      return true;
    });
    if (done) break;
    if (attempt === TRANSFER_ATTEMPTS) {
      throw appError('CONFLICT', 'The project kept changing hands meanwhile; try again');
    }
  }
  // As the caller sees it now: `ownerId` the new owner, `role` editor.
  return getProject(ctx, userId, projectId);
}
