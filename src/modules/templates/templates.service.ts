import type { AppContext } from '../../context';
import type { Database } from '../../db/database';
import {
  appError,
  forbidden,
  notFound,
  unauthenticated,
  validationError,
  versionConflict,
} from '../../http/errors';
import type { IfMatch } from '../../http/route';
import { jsonBytes } from '../../http/schemas';
import { recordEvent } from '../analytics/analytics.service';
import { hasPremiumAccess } from '../billing/billing.service';
import {
  createProjectInTx,
  expectedVersion,
  getProject,
  type CreateProjectInput,
  type Project,
} from '../projects/projects.service';
import { assertRole } from '../projects/project-access';
import { createStoryInTx, type Story } from '../stories/stories.service';
import { withinStorageLimit } from '../storage-usage/storage-usage.service';
import * as users from '../users/users.service';
import * as q from './templates.queries';
import { type CreateTemplateInput, type ListTemplatesInput, TEMPLATE_LIMITS } from './templates.schemas';

export type Template = q.TemplateRow;

/**
 * The `Template` the API answers. A premium template's `content` is only for those who may use it — its
 * owner, administrators and users whose plan includes premium templates; anyone else (anonymous callers
 * too) gets `content: null` and `contentLocked: true`, and still sees everything else to decide to upgrade.
 */
export interface TemplateView extends Omit<Template, 'content'> {
  content: TemplateContent | null;
  contentLocked: boolean;
}
export type TemplateRating = q.RatingRow;
export type TemplateContent = q.TemplateContent;

export const planRequired = (detail: string) => appError('PLAN_REQUIRED', detail);

const EMPTY_CONTENT: TemplateContent = { settings: {}, stories: [] };

/** The caller's account as it is now: role and plan come from the database, never from the token. */
async function callerAccount(ctx: AppContext, db: Database, userId: string) {
  const user = await users.findUser(db, ctx.config, userId);
  if (!user) throw unauthenticated('The account for this token no longer exists');
  return user;
}

async function isAdmin(ctx: AppContext, db: Database, userId: string): Promise<boolean> {
  return (await callerAccount(ctx, db, userId)).role === 'admin';
}

const premiumForbidden = () => forbidden('Only administrators set isPremium');

/** Who reads: enough to decide whether a premium template's content is theirs to see. */
interface Reader {
  id: string | null;
  /** An administrator, or a plan that includes premium templates. */
  mayUsePremium: boolean;
}

/** The reader behind `callerId`, reading the account only when a premium template needs it. */
async function readerOf(
  ctx: AppContext,
  callerId: string | undefined,
  templates: readonly Template[],
): Promise<Reader> {
  const needsAccount = templates.some((t) => t.isPremium && t.ownerId !== callerId);
  if (!callerId || !needsAccount) return { id: callerId ?? null, mayUsePremium: false };
  const account = await users.findUser(ctx.db, ctx.config, callerId);
  return {
    id: callerId,
    mayUsePremium: account !== null && (account.role === 'admin' || hasPremiumAccess(account.plan)),
  };
}

function present(template: Template, reader: Reader): TemplateView {
  const locked = template.isPremium && template.ownerId !== reader.id && !reader.mayUsePremium;
  return { ...template, content: locked ? null : template.content, contentLocked: locked };
}

/** For the template's writers (its owner, administrators): the content is always theirs to see. */
const unlocked = (template: Template): TemplateView => ({ ...template, contentLocked: false });

/**
 * A write the caller may not make: someone else's private template is a 404 (its existence is not
 * leaked), a public one they do not own a 403.
 */
async function denyWrite(db: Database, userId: string, id: string): Promise<never> {
  if (await q.isTemplateUsable(db, userId, id)) throw forbidden('Only the owner may change this template');
  throw notFound('Template');
}

export type { CreateTemplateInput, ListTemplatesInput };

export async function listTemplates(
  ctx: AppContext,
  callerId: string | undefined,
  input: ListTemplatesInput,
): Promise<{ rows: TemplateView[]; total: number }> {
  const { rows, total } = await q.findTemplates(
    ctx.db,
    callerId ?? null,
    { q: input.q, category: input.category, tag: input.tag },
    input.sort,
    input.limit,
    (input.page - 1) * input.limit,
  );
  const reader = await readerOf(ctx, callerId, rows);
  return { rows: rows.map((row) => present(row, reader)), total };
}

export async function getTemplate(
  ctx: AppContext,
  callerId: string | undefined,
  id: string,
): Promise<TemplateView> {
  const template = await q.findReadableTemplate(ctx.db, callerId ?? null, id);
  if (!template) throw notFound('Template');
  return present(template, await readerOf(ctx, callerId, [template]));
}

/** A project's settings and stories as template content; 400 when it is over a template's limits. */
async function snapshotProject(ctx: AppContext, userId: string, projectId: string): Promise<TemplateContent> {
  // getProject reads the project and its stories in one transaction: one consistent picture. One story
  // more than a template may hold is enough to tell that the project has too many.
  const project = await getProject(ctx, userId, projectId, ['stories'], TEMPLATE_LIMITS.stories + 1);
  // Only the owner makes a template of a project (a member: 403 FORBIDDEN, a stranger: 404 above).
  assertRole(project.role, 'manage');
  const stories = (project.stories ?? []) as Story[];
  const content: TemplateContent = {
    settings: project.settings,
    stories: stories.map((s) => ({ title: s.title, content: s.content, imagePrompts: s.imagePrompts })),
  };
  if (content.stories.length > TEMPLATE_LIMITS.stories) {
    throw validationError(`The project has more than ${TEMPLATE_LIMITS.stories} stories`, [
      {
        path: 'fromProjectId',
        message: `must name a project with at most ${TEMPLATE_LIMITS.stories} stories`,
      },
    ]);
  }
  if (jsonBytes(content) > TEMPLATE_LIMITS.contentBytes) {
    throw validationError('The project is larger than a template may be', [
      { path: 'fromProjectId', message: `must name a project whose content is at most 1 MB of JSON` },
    ]);
  }
  return content;
}

export async function createTemplate(
  ctx: AppContext,
  userId: string,
  input: CreateTemplateInput,
): Promise<TemplateView> {
  if (input.isPremium !== undefined && !(await isAdmin(ctx, ctx.db, userId))) throw premiumForbidden();
  const content = input.fromProjectId
    ? await snapshotProject(ctx, userId, input.fromProjectId)
    : (input.content ?? EMPTY_CONTENT);
  // Its content counts against the owner's storage (migration 0010).
  const template = await ctx.db.transaction((tx) =>
    withinStorageLimit(ctx, tx, userId, () =>
      q.insertTemplate(tx, userId, {
        title: input.title,
        description: input.description ?? null,
        category: input.category ?? null,
        tags: input.tags ?? [],
        isPublic: input.isPublic ?? false,
        isPremium: input.isPremium ?? false,
        content,
      }),
    ),
  );
  return unlocked(template);
}

/**
 * The owner of a template the caller may write (its owner, or an administrator), else the 403/404 of
 * `denyWrite`.
 */
async function writableOwner(tx: Database, userId: string, admin: boolean, id: string): Promise<string> {
  const found = await q.findTemplateOwner(tx, id);
  if (!found || (found.ownerId !== userId && !admin)) return denyWrite(tx, userId, id);
  return found.ownerId;
}

/** After a write that matched nothing: 404 when the template is gone, else 412 naming its version. */
async function missOrConflict(tx: Database, id: string): Promise<never> {
  const found = await q.findTemplateOwner(tx, id);
  if (!found) throw notFound('Template');
  throw versionConflict(found.version);
}

/** The owner or an administrator changes any subset of the fields; only administrators `isPremium`. */
/**
 * The owner or an administrator changes any subset of the fields (version + 1, If-Match honoured: 412 on a
 * mismatch); only administrators `isPremium`. The content counts against the owner's storage, whoever
 * writes it: the owner's row is locked first (the storage lock order) and the limit checked.
 */
export async function updateTemplate(
  ctx: AppContext,
  userId: string,
  id: string,
  fields: Partial<q.TemplateFields>,
  ifMatch: IfMatch,
): Promise<TemplateView> {
  return ctx.db.transaction(async (tx) => {
    const admin = await isAdmin(ctx, tx, userId);
    if (fields.isPremium !== undefined && !admin) {
      // Someone else's private template stays a 404, whatever the body says.
      if (!(await q.isTemplateUsable(tx, userId, id))) throw notFound('Template');
      throw premiumForbidden();
    }
    const ownerId = await writableOwner(tx, userId, admin, id);
    const updated = await withinStorageLimit(ctx, tx, ownerId, () =>
      q.updateTemplate(tx, userId, admin, id, fields, expectedVersion(ifMatch)),
    );
    return updated ? unlocked(updated) : missOrConflict(tx, id);
  });
}

export async function deleteTemplate(
  ctx: AppContext,
  userId: string,
  id: string,
  ifMatch: IfMatch,
): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const admin = await isAdmin(ctx, tx, userId);
    const ownerId = await writableOwner(tx, userId, admin, id);
    // The owner's row first: the content the delete releases moves their storage use.
    const deleted = await withinStorageLimit(ctx, tx, ownerId, () =>
      q.deleteTemplate(tx, userId, admin, id, expectedVersion(ifMatch)),
    );
    if (!deleted) await missOrConflict(tx, id);
  });
}

/** What a project made from a template may set itself (`POST /api/projects` with `templateId`). */
export type ProjectOverrides = Partial<CreateProjectInput>;

/**
 * Makes a project from a template in one transaction: counts the use (`useCount` + 1 under the row
 * lock), checks the plan for a premium template (its owner may always use their own), creates the
 * project and its stories, and records `template.used`. The project takes the template's title,
 * description, category, tags and settings unless `overrides` names them.
 */
export async function useTemplate(
  ctx: AppContext,
  userId: string,
  templateId: string,
  overrides: ProjectOverrides = {},
): Promise<Project> {
  // The user's row first (the storage lock order, before the template's row): the new project's settings
  // and stories count against their storage.
  return ctx.db.transaction((tx) => withinStorageLimit(ctx, tx, userId, () => useInTx(tx)));

  async function useInTx(tx: Database): Promise<Project> {
    const template = await q.incrementUseCount(tx, userId, templateId);
    if (!template) throw notFound('Template');
    if (template.isPremium && !template.own) {
      const { plan } = await callerAccount(ctx, tx, userId);
      if (!hasPremiumAccess(plan)) {
        throw planRequired('This template is premium: it needs a plan with premium templates');
      }
    }
    const { settings, stories } = template.content;
    const project = await createProjectInTx(
      tx,
      userId,
      {
        title: overrides.title ?? template.title,
        description: overrides.description !== undefined ? overrides.description : template.description,
        category: overrides.category !== undefined ? overrides.category : template.category,
        status: overrides.status,
        tags: overrides.tags ?? template.tags,
        settings: overrides.settings ?? settings,
      },
      { templateId },
    );
    for (const [position, story] of stories.entries()) {
      await createStoryInTx(tx, userId, {
        projectId: project.id,
        title: story.title,
        content: story.content,
        imagePrompts: story.imagePrompts,
        position,
      });
    }
    await recordEvent(tx, {
      userId,
      type: 'template.used',
      projectId: project.id,
      properties: { templateId },
    });
    // The project is new in this transaction: its only children are the stories just made.
    return { ...project, counts: { ...project.counts, stories: stories.length } };
  }
}

export async function listRatings(
  ctx: AppContext,
  callerId: string | undefined,
  templateId: string,
  paging: { page: number; limit: number },
) {
  if (!(await q.isTemplateReadable(ctx.db, callerId ?? null, templateId))) throw notFound('Template');
  return q.findRatings(ctx.db, templateId, paging.limit, (paging.page - 1) * paging.limit);
}

/**
 * Inserts or replaces the caller's rating. The template row is locked first, then the rating is written,
 * and the trigger moves the template's aggregates in the same transaction: they always equal the ratings.
 */
export async function rateTemplate(
  ctx: AppContext,
  userId: string,
  templateId: string,
  input: { rating: number; review?: string | null },
): Promise<TemplateRating> {
  return ctx.db.transaction(async (tx) => {
    const template = await q.lockTemplateForRating(tx, userId, templateId);
    if (!template) throw notFound('Template');
    if (template.own) throw forbidden('You cannot rate your own template');
    return q.upsertRating(tx, templateId, userId, input.rating, input.review || null);
  });
}

/**
 * Removes the caller's rating. A user may always take back their own rating, even of a template that has
 * since become private; the template row is locked first, in the same order as rating it.
 */
export async function deleteRating(ctx: AppContext, userId: string, templateId: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    // One answer for "no such template" and "no rating of yours": a private template is not revealed.
    if (!(await q.lockTemplate(tx, templateId))) throw notFound('Rating');
    if (!(await q.deleteRating(tx, templateId, userId))) throw notFound('Rating');
  });
}
