import type { AppContext, RouteModule } from '../../context';
import { defineRoute } from '../../http/route';
import { UpdateMeBody, UserSchema } from './users.schemas';
import * as users from './users.service';

const tags = ['Users'];

export const userRoutes: RouteModule = (ctx: AppContext) => {
  return [
    defineRoute({
      method: 'patch',
      path: '/api/users/me',
      tags,
      summary: "Change the caller's display name or settings",
      description:
        '`settings` is replaced whole (at most 16 KB of JSON). Fields a user may not set (email, role, plan, ' +
        'counters) are refused with 400.',
      auth: 'required',
      body: UpdateMeBody,
      response: { status: 200, schema: UserSchema },
      handler: async ({ userId, body }) => ({
        body: await users.updateProfile(ctx.db, ctx.config, userId, body),
      }),
    }),
  ];
};
