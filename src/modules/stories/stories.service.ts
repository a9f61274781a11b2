import type { AppContext } from '../../context';
import type { Database } from '../../db/database';
import type { IfMatch } from '../../http/route';
import { notFound, validationError, versionConflict } from '../../http/errors';
import { recordEvent } from '../analytics/analytics.service';
import {
  childProjectId,
  lockProjectAccess,
  requireProjectAccess,
  withProjectWrite,
  type ProjectAccess,
} from '../projects/project-access';
import { expectedVersion, type ProjectChild } from '../projects/projects.service';
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
  // A projectId the caller is no member of is a 404, not an empty list: the check comes first. Without
  // one: the stories of every project the caller may read.
  if (input.projectId) await requireProjectAccess(ctx.db, userId, input.projectId, 'read');
  return q.findStories(ctx.db, userId, input.projectId ?? null, input.limit, (input.page - 1) * input.limit);
}

export async function getStory(ctx: AppContext, userId: string, id: string): Promise<Story> {
  const story = await q.findStory(ctx.db, userId, id);
  if (!story) throw notFound('Story');
  return story;
}

/** The stories of `ids` the caller may read, each as its GET answers it, in one query (the sync feed). */
export const readableStoriesByIds = (
  ctx: AppContext,
  userId: string,
  ids: readonly string[],
): Promise<Story[]> => q.findStoriesByIds(ctx.db, userId, ids);

/**
 * Every story of one project in list order; for other modules (the export), which checked the caller's
 * access: `ownerId` is the project's owner, whose id its stories carry.
 */
export const listStoriesOfProject = (db: Database, ownerId: string, projectId: string) =>
  q.findStoriesOfProject(db, ownerId, projectId);

export type { CreateStoryInput };

/**
 * Creates a story in a project the caller may write, with its `story.created` event, inside the caller's
 * transaction (the templates module adds a template's stories to a new project with it). The row carries
 * the project's owner's id; the event counts for the caller.
 */
export async function createStoryInTx(tx: Database, userId: string, input: CreateStoryInput): Promise<Story> {
  return insertStoryAs(tx, userId, await lockProjectAccess(tx, userId, input.projectId, 'write'), input);
}

async function insertStoryAs(
  tx: Database,
  userId: string,
  access: ProjectAccess,
  input: CreateStoryInput,
): Promise<Story> {
  const content = input.content ?? '';
  const story = await q.insertStory(
    tx,
    access.ownerId,
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
  // Owner or editor; its content counts against the owner's storage (migration 0010).
  return withProjectWrite(ctx, userId, input.projectId, 'write', 'Project', (tx, access) =>
    insertStoryAs(tx, userId, access, input),
  );
}

/** The project of a story the caller may read; 404 Story otherwise (a stranger learns nothing). */
async function storyProject(ctx: AppContext, userId: string, id: string): Promise<string> {
  const projectId = await childProjectId(ctx.db, 'stories', userId, id);
  if (projectId === null) throw notFound('Story');
  return projectId;
}

export async function updateStory(
  ctx: AppContext,
  userId: string,
  id: string,
  fields: Partial<q.StoryFields>,
  ifMatch: IfMatch,
): Promise<Story> {
  // Owner or editor of the story's project; the content counts against the owner's storage.
  const projectId = await storyProject(ctx, userId, id);
  return withProjectWrite(ctx, userId, projectId, 'write', 'Story', async (tx, access) => {
    if (fields.projectId !== undefined && fields.projectId !== projectId) {
      await assertMoveTarget(tx, userId, access, fields.projectId);
    }
    const updated = await q.updateStory(
      tx,
      { ownerId: access.ownerId, projectId },
      id,
      { ...fields, wordCount: fields.content === undefined ? undefined : countWords(fields.content) },
      expectedVersion(ifMatch),
    );
    return updated ?? missOrConflict(tx, userId, id);
  });
}

/**
 * A child moves only to a project the caller may write (404 when not a member, 403 for a viewer) that has
 * the same owner (400 otherwise): its row carries the owner's id and its bytes count against them.
 */
export async function assertMoveTarget(
  tx: Database,
  userId: string,
  from: ProjectAccess,
  toProjectId: string,
): Promise<void> {
  const target = await lockProjectAccess(tx, userId, toProjectId, 'write');
  if (target.ownerId !== from.ownerId) {
    throw validationError('projectId must be a project of the same owner', [
      { path: 'projectId', message: 'must be a project of the same owner' },
    ]);
  }
}

export async function deleteStory(
  ctx: AppContext,
  userId: string,
  id: string,
  ifMatch: IfMatch,
): Promise<void> {
  // Owner or editor. The owner's row first (the storage lock order): the content the delete releases
  // moves their use.
  const projectId = await storyProject(ctx, userId, id);
  await withProjectWrite(ctx, userId, projectId, 'write', 'Story', async (tx, access) => {
    if (!(await q.deleteStory(tx, { ownerId: access.ownerId, projectId }, id, expectedVersion(ifMatch))))
      await missOrConflict(tx, userId, id);
  });
}

/** Stories as a project's children: embedded by include=stories and copied by duplicate (listed in modules/index.ts). */
export const storiesChild: ProjectChild = {
  name: 'stories',
  order: 10,
  load: (_ctx, tx, scope, limit) => q.findStoriesOfProject(tx, scope.userId, scope.projectId, limit),
  copy: async (step) => {
    const pairs = await q.copyStories(
      step.tx,
      step.sourceOwnerId,
      step.fromProjectId,
      step.toProjectId,
      step.userId,
    );
    for (const { oldId, newId } of pairs) step.idMap.set(oldId, newId);
  },
};
