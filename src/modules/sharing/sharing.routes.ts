import type { AppContext, RouteModule } from '../../context';
import { defineRoute, type AuthInfo } from '../../http/route';
import { idParams, page } from '../../http/schemas';
import { ProjectSchema } from '../projects/projects.schemas';
import {
  AcceptInvitationBody,
  InvitationListSchema,
  InvitationParams,
  InvitationSchema,
  InviteBody,
  MemberListSchema,
  MemberParams,
  MemberRoleBody,
  MemberSchema,
  PageQuery,
  TransferBody,
} from './sharing.schemas';
import * as sharing from './sharing.service';

const tags = ['Sharing'];

const ANY_MEMBER = 'Any member of the project (owner, editor, viewer); anyone else gets 404.';
const OWNER_ONLY = 'The project owner only: an editor or viewer gets 403 `FORBIDDEN`, anyone else 404.';
const VERIFIED =
  'Needs a verified email address (403 `EMAIL_NOT_VERIFIED`, whatever `REQUIRE_VERIFIED_EMAIL` says): until it ' +
  "is verified, invitations to the address are not known to be the caller's.";

export const sharingRoutes: RouteModule = (ctx: AppContext) => {
  sharing.defineInvitationMail(ctx);
  // Every invitation mails a link: the same limit per inviter as the other mails (MAIL_RATE_LIMIT a minute).
  const invitesByUser = ctx.limiters.create({
    name: 'mail-invite-user',
    limit: ctx.config.rateLimits.mail,
    failClosed: true,
    key: (_req, res) => {
      const auth = res.locals.auth as AuthInfo | undefined;
      return auth ? `user:${auth.userId}` : undefined;
    },
  });

  return [
    defineRoute({
      method: 'get',
      path: '/api/projects/:id/members',
      tags,
      summary: "The project's owner and members",
      description: `${ANY_MEMBER} The owner comes first (role \`owner\`, \`addedAt\` the project's \`createdAt\`), then the members by when they joined.`,
      auth: 'required',
      params: idParams,
      query: PageQuery,
      response: { status: 200, schema: MemberListSchema },
      handler: async ({ userId, params, query }) => {
        const { rows, total } = await sharing.listMembers(ctx, userId, params.id, query);
        return { body: page(rows, total, query.page, query.limit) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/projects/:id/invitations',
      tags,
      summary: 'Invite an email address to the project',
      description:
        `${OWNER_ONLY} Mails \`email\` a link to \`APP_URL${sharing.INVITATION_PAGE}?token=…\` that works ` +
        'once, for 7 days (`POST /api/invitations/accept`). A pending invitation to the same address ' +
        '(case-insensitive) is replaced: its link stops working. The address of the owner or of a member → ' +
        "409 `ALREADY_MEMBER`. Members and pending, unexpired invitations together are limited by the owner's " +
        'plan (`PLAN_FREE_COLLABORATORS` 2, `PLAN_PRO_COLLABORATORS` 10, `PLAN_ENTERPRISE_COLLABORATORS` 100): ' +
        'past it → 403 `PLAN_REQUIRED`. Limited to `MAIL_RATE_LIMIT` invitations per minute per caller (429).',
      auth: 'required',
      params: idParams,
      before: [invitesByUser],
      body: InviteBody,
      response: {
        status: 201,
        schema: InvitationSchema,
        headers: { Location: { description: "The project's invitations, `/api/projects/{id}/invitations`" } },
      },
      errors: ['FORBIDDEN', 'PLAN_REQUIRED', 'ALREADY_MEMBER', 'RATE_LIMITED'],
      handler: async ({ userId, params, body }) => {
        const invitation = await sharing.invite(ctx, userId, params.id, body);
        return {
          status: 201,
          headers: { Location: `/api/projects/${invitation.projectId}/invitations` },
          body: invitation,
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/projects/:id/invitations',
      tags,
      summary: "The project's pending invitations",
      description:
        `${OWNER_ONLY} Invitations still waiting for an answer, newest first; one past its \`expiresAt\` ` +
        'answers with status `expired` until it is replaced or revoked.',
      auth: 'required',
      params: idParams,
      query: PageQuery,
      response: { status: 200, schema: InvitationListSchema },
      errors: ['FORBIDDEN'],
      handler: async ({ userId, params, query }) => {
        const { rows, total } = await sharing.listProjectInvitations(ctx, userId, params.id, query);
        return { body: page(rows, total, query.page, query.limit) };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/projects/:id/invitations/:invitationId',
      tags,
      summary: 'Revoke a pending invitation',
      description:
        `${OWNER_ONLY} Its link stops working. An invitation that is not pending any more (accepted, ` +
        'declined, revoked or replaced) or of another project → 404.',
      auth: 'required',
      params: InvitationParams,
      response: { status: 204, description: 'Revoked' },
      errors: ['FORBIDDEN'],
      handler: async ({ userId, params }) => {
        await sharing.revokeInvitation(ctx, userId, params.id, params.invitationId);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/invitations',
      tags,
      summary: "Invitations to the caller's email address",
      description: `Pending, unexpired invitations addressed to the caller's email address (case-insensitive), newest first. ${VERIFIED}`,
      auth: 'required',
      query: PageQuery,
      response: { status: 200, schema: InvitationListSchema },
      errors: ['EMAIL_NOT_VERIFIED'],
      handler: async ({ userId, query }) => {
        const { rows, total } = await sharing.listMyInvitations(ctx, userId, query);
        return { body: page(rows, total, query.page, query.limit) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/invitations/accept',
      tags,
      summary: 'Join a project with a mailed invitation token',
      description:
        'Any signed-in user: the token from the mailed link proves the invited address, so the caller may be ' +
        'signed in under another one (and need not have verified it). The caller joins with the invited role ' +
        'and the token is spent. A bad, used, revoked, declined, replaced or expired token → 400 ' +
        '`INVALID_TOKEN`; the caller already owns the project or is a member → 409 `ALREADY_MEMBER` (the ' +
        'invitation stays pending).',
      auth: 'required',
      body: AcceptInvitationBody,
      response: { status: 200, schema: MemberSchema },
      errors: ['INVALID_TOKEN', 'ALREADY_MEMBER'],
      handler: async ({ userId, body }) => ({ body: await sharing.acceptByToken(ctx, userId, body.token) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/invitations/:id/accept',
      tags,
      summary: "Accept an invitation to the caller's email address",
      description:
        `A pending, unexpired invitation addressed to the caller's email address (else 404). ${VERIFIED} ` +
        'The caller already owns the project or is a member → 409 `ALREADY_MEMBER`.',
      auth: 'required',
      params: idParams,
      response: { status: 200, schema: MemberSchema },
      errors: ['EMAIL_NOT_VERIFIED', 'ALREADY_MEMBER'],
      handler: async ({ userId, params }) => ({ body: await sharing.acceptById(ctx, userId, params.id) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/invitations/:id/decline',
      tags,
      summary: "Decline an invitation to the caller's email address",
      description: `A pending, unexpired invitation addressed to the caller's email address (else 404); its link stops working. ${VERIFIED}`,
      auth: 'required',
      params: idParams,
      response: { status: 204, description: 'Declined' },
      errors: ['EMAIL_NOT_VERIFIED'],
      handler: async ({ userId, params }) => {
        await sharing.declineById(ctx, userId, params.id);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/projects/:id/members/:userId',
      tags,
      summary: "Change a member's role",
      description:
        `${OWNER_ONLY} \`userId\` not a member → 404. The owner's own role cannot change: 409 ` +
        "`OWNER_ROLE_FIXED` (transfer the project instead). Takes effect at the member's next request.",
      auth: 'required',
      params: MemberParams,
      body: MemberRoleBody,
      response: { status: 200, schema: MemberSchema },
      errors: ['FORBIDDEN', 'OWNER_ROLE_FIXED'],
      handler: async ({ userId, params, body }) => ({
        body: await sharing.changeRole(ctx, userId, params.id, params.userId, body.role),
      }),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/projects/:id/members/:userId',
      tags,
      summary: 'Remove a member, or leave the project',
      description:
        'The owner removes any member; a member (editor or viewer) removes only themself, that is leaves ' +
        "(another member's `userId` → 403 `FORBIDDEN`); anyone else gets 404. `userId` not a member → 404. " +
        'The owner cannot leave: 409 `OWNER_CANNOT_LEAVE` (transfer the project first). Takes effect at the ' +
        "member's next request.",
      auth: 'required',
      params: MemberParams,
      response: { status: 204, description: 'Removed' },
      errors: ['FORBIDDEN', 'OWNER_CANNOT_LEAVE'],
      handler: async ({ userId, params }) => {
        await sharing.removeMember(ctx, userId, params.id, params.userId);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/projects/:id/transfer',
      tags,
      summary: 'Give the project to one of its members',
      description:
        `${OWNER_ONLY} In one transaction the member \`userId\` becomes the owner and the caller an editor. ` +
        "The project's stored files (image originals, drawing PNGs) and text move from the caller's storage " +
        "use to the new owner's; past the new owner's plan limit → 403 `STORAGE_QUOTA_EXCEEDED` and nothing " +
        'changes. `userId` that is not a member (or is the caller) → 400 `VALIDATION_ERROR`. Concurrent ' +
        'transfers of one project run one after another (409 `CONFLICT` only if it keeps changing hands: ' +
        'try again). Answers the project as the caller now sees it: `ownerId` the new owner, `role` `editor`.',
      auth: 'required',
      params: idParams,
      body: TransferBody,
      response: { status: 200, schema: ProjectSchema },
      errors: ['FORBIDDEN', 'STORAGE_QUOTA_EXCEEDED', 'CONFLICT'],
      handler: async ({ userId, params, body }) => ({
        body: await sharing.transfer(ctx, userId, params.id, body.userId),
      }),
    }),
  ];
};
