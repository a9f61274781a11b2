import type { AppContext, RouteModule } from '../../context';
import { defineRoute } from '../../http/route';
import { ChangesPageSchema, SyncChangesQuery } from './sync.schemas';
import * as sync from './sync.service';

const tags = ['Sync'];

export const syncRoutes: RouteModule = (ctx: AppContext) => {
  ctx.maintenance.push({ name: 'sync-retention', run: () => sync.pruneSyncChanges(ctx) });
  return [
    defineRoute({
      method: 'get',
      path: '/api/sync/changes',
      tags,
      summary: 'What changed in everything the caller can see (the sync feed)',
      description:
        'The user, every project the caller owns or is a member of, and their stories, images and drawings ' +
        '(docs/sync.md). Without `since`: all of it, as upserts, paged. With the `cursor` of an earlier ' +
        'answer: what changed after it, in commit order, each resource at most once per answer (its latest ' +
        'state). `data` is the resource as its own GET answers it; a delete has `data: null`. A project the ' +
        'caller lost access to (deleted, removed, left) comes as a delete (its children are gone with it); ' +
        'one they gained comes with all its children. Pull again with the new `cursor` while `hasMore`; ' +
        'applying the changes in order gives what the GETs answer. A cursor older than the retained log ' +
        '(SYNC_RETENTION_DAYS, default 30) → 410 `CURSOR_EXPIRED`: pull the full state again.',
      auth: 'required',
      query: SyncChangesQuery,
      response: { status: 200, schema: ChangesPageSchema },
      errors: ['CURSOR_EXPIRED'],
      handler: async ({ userId, query }) => ({
        body: await sync.pullChanges(ctx, userId, query.since, query.limit, { waitForHeld: true }),
      }),
    }),
  ];
};
