import type { AppContext } from '../../context';
import type { Database } from '../../db/database';
import type { IfMatch } from '../../http/route';
import { notFound, versionConflict } from '../../http/errors';
import { recordEvent } from '../analytics/analytics.service';
import { assertProjectOwned, expectedVersion, type ProjectChild } from '../projects/projects.service';
import { withinStorageLimit } from '../storage-usage/storage-usage.service';
import * as q from './stories.queries';
import { type CreateStoryInput, STORY_LIMITS } from './stories.schemas';

export type Story = q.StoryRow;

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/gu;
const WORDLIKE = /[\p{L}\p{N}]/u;

/**
 * Words as word processors count them: runs between whitespace that hold a letter or digit ("well-known"
 * and "3.14" are one word each, a lone "—" none), plus one per Chinese or Japanese character, scripts that
 * do not separate words with spaces.
 */
export function countWords(text: string): number {
  let words = 0;
  const spaced = text.replace(CJK, () => {
    words++;
    return ' ';
  });
  for (const token of spaced.split(/\s+/)) if (WORDLIKE.test(token)) words++;
  return words;
}

async function missOrConflict(db: Database, userId: string, id: string): Promise<never> {
  const current = await q.findStoryVersionNumber(db, userId, id);
  if (current === null) throw notFound('Story');
  throw versionConflict(current);
}

export async function listStories(
  ctx: AppContext,
  userId: string,
  input: { projectId?: string; page: number; limit: number },
) {
  // Someone else's projectId is a 404, not an empty list: the check comes first.
  if (input.projectId) await assertProjectOwned(ctx.db, userId, input.projectId);
  return q.findStories(ctx.db, userId, input.projectId ?? null, input.limit, (input.page - 1) * input.limit);
}

export async function getStory(ctx: AppContext, userId: string, id: string): Promise<Story> {
  const story = await q.findStory(ctx.db, userId, id);
  if (!story) throw notFound('Story');
  return story;
}

/** Every story of one project in list order; for other modules (templates snapshot a project's stories). */
export const listStoriesOfProject = (db: Database, userId: string, projectId: string) =>
  q.findStoriesOfProject(db, userId, projectId);

export type { CreateStoryInput };

/**
 * Creates a story in one of the user's projects, with its `story.created` event, inside the caller's
 * transaction (the templates module adds a template's stories to a new project with it).
 */
export async function createStoryInTx(tx: Database, userId: string, input: CreateStoryInput): Promise<Story> {
  await assertProjectOwned(tx, userId, input.projectId);
  const content = input.content ?? '';
  const story = await q.insertStory(
    tx,
    userId,
    {
      projectId: input.projectId,
      title: input.title,
      content,
      imagePrompts: input.imagePrompts ?? [],
      position: input.position ?? null,
      metadata: input.metadata ?? {},
      wordCount: countWords(content),
    },
    STORY_LIMITS.maxPosition,
  );
  await recordEvent(tx, {
    userId,
    type: 'story.created',
    projectId: story.projectId,
    properties: { storyId: story.id },
  });
  return story;
}

export async function createStory(ctx: AppContext, userId: string, input: CreateStoryInput): Promise<Story> {
  // Its content counts against the user's storage (migration 0010).
  return ctx.db.transaction((tx) =>
    withinStorageLimit(ctx, tx, userId, () => createStoryInTx(tx, userId, input)),
  );
}

export async function updateStory(
  ctx: AppContext,
  userId: string,
  id: string,
  fields: Partial<q.StoryFields>,
  ifMatch: IfMatch,
): Promise<Story> {
  return ctx.db.transaction((tx) =>
    withinStorageLimit(ctx, tx, userId, async () => {
      // Moving to a project that is not the caller's is a 404, like a story that is not theirs.
      if (fields.projectId !== undefined) await assertProjectOwned(tx, userId, fields.projectId);
      const updated = await q.updateStory(
        tx,
        userId,
        id,
        { ...fields, wordCount: fields.content === undefined ? undefined : countWords(fields.content) },
        expectedVersion(ifMatch),
      );
      return updated ?? missOrConflict(tx, userId, id);
    }),
  );
}

export async function deleteStory(
  ctx: AppContext,
  userId: string,
  id: string,
  ifMatch: IfMatch,
): Promise<void> {
  // The user's row first (the storage lock order): the content the delete releases moves their use.
  await ctx.db.transaction((tx) =>
    withinStorageLimit(ctx, tx, userId, async () => {
      if (!(await q.deleteStory(tx, userId, id, expectedVersion(ifMatch))))
        await missOrConflict(tx, userId, id);
    }),
  );
}

/** Stories as a project's children: embedded by include=stories and copied by duplicate (listed in modules/index.ts). */
export const storiesChild: ProjectChild = {
  name: 'stories',
  order: 10,
  load: (_ctx, tx, scope, limit) => q.findStoriesOfProject(tx, scope.userId, scope.projectId, limit),
  copy: async (step) => {
    const pairs = await q.copyStories(step.tx, step.userId, step.fromProjectId, step.toProjectId);
    for (const { oldId, newId } of pairs) step.idMap.set(oldId, newId);
  },
};
