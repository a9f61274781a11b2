import Joi from 'joi';
import { component, listOf, pageQuery, timestamp, uuid } from '../../http/schemas';
import { email } from '../auth/auth.schemas';

/** The roles an invitation or a role change may give; `owner` only moves by a transfer. */
export const MEMBER_ROLES = ['editor', 'viewer'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

export const INVITATION_STATUSES = ['pending', 'accepted', 'declined', 'revoked', 'expired'] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

/** Lifetime of a mailed invitation link. */
export const INVITATION_TTL_S = 7 * 24 * 60 * 60;

const memberRole = Joi.string()
  .valid(...MEMBER_ROLES)
  .description('`editor` (reads and writes the project) or `viewer` (reads it)');

export interface InviteInput {
  email: string;
  role: MemberRole;
}

export const InviteBody = Joi.object<InviteInput, true>({
  email: email.required().description('Where the invitation link is mailed'),
  role: memberRole.required(),
});

export const AcceptInvitationBody = Joi.object<{ token: string }, true>({
  token: Joi.string()
    .min(1)
    .max(512)
    .required()
    .description('The `token` parameter of the mailed invitation link')
    .example('Jx3mQ0b2tZ9yH1cV8kLw4pR6sN5uE7aD2fG0hJ3kL9o'),
});

export const MemberRoleBody = Joi.object<{ role: MemberRole }, true>({ role: memberRole.required() });

export const TransferBody = Joi.object<{ userId: string }, true>({
  userId: uuid.required().description('A member of the project (`GET /api/projects/{id}/members`)'),
});

export const MemberParams = Joi.object<{ id: string; userId: string }, true>({
  id: uuid.required(),
  userId: uuid.required(),
});
export const InvitationParams = Joi.object<{ id: string; invitationId: string }, true>({
  id: uuid.required(),
  invitationId: uuid.required(),
});

/** The lists' `page` and `limit`. */
export const PageQuery = pageQuery;

export const MemberSchema = component(
  'Member',
  Joi.object({
    userId: uuid.required(),
    email: Joi.string().required(),
    displayName: Joi.string().allow(null).required(),
    role: Joi.string()
      .valid('owner', ...MEMBER_ROLES)
      .required(),
    addedAt: timestamp.required().description("When they joined; the owner's is the project's createdAt"),
  }),
);

export const MemberListSchema = listOf(MemberSchema);

export const InvitationSchema = component(
  'Invitation',
  Joi.object({
    id: uuid.required(),
    projectId: uuid.required(),
    projectTitle: Joi.string().required(),
    email: Joi.string().required(),
    role: Joi.string()
      .valid(...MEMBER_ROLES)
      .required(),
    status: Joi.string()
      .valid(...INVITATION_STATUSES)
      .required()
      .description('`expired`: still pending, but past `expiresAt`'),
    invitedBy: Joi.object({ id: uuid.required(), displayName: Joi.string().allow(null).required() })
      .allow(null)
      .required()
      .description('null when that account no longer exists'),
    createdAt: timestamp.required(),
    expiresAt: timestamp.required(),
  }),
);

export const InvitationListSchema = listOf(InvitationSchema);
