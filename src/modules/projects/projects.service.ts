import type { AppContext } from '../../context';
import type { Database } from '../../db/database';
import { notFound, validationError, versionConflict } from '../../http/errors';
import type { IfMatch } from '../../http/route';
import { recordEvent } from '../analytics/analytics.service';
import { withinStorageLimit } from '../storage-usage/storage-usage.service';
import * as q from './projects.queries';
import type { CreateProjectInput, ListProjectsInput, ProjectInclude } from './projects.schemas';
import { LIMITS } from './projects.schemas';

export type Project = q.ProjectRow;
export type ProjectFields = q.ProjectFields;

export interface ProjectScope {
  userId: string;
  projectId: string;
}

/** What a child's duplicate step gets: the transaction, both projects, and the ids copied so far. */
export interface DuplicateStep {
  ctx: AppContext;
  tx: Database;
  userId: string;
  fromProjectId: string;
  toProjectId: string;
  /**
   * Old id → new id of every row copied by earlier steps (stories before images before drawings), so a
   * step re-points its references (an image's storyId, a drawing's imageId); the project's coverImageId
   * is re-pointed through it after the last step.
   */
  idMap: Map<string, string>;
  /**
   * Registers an undo for work outside the database — the copy of a stored file — that runs when the
   * duplicate fails after it, so no copied file outlives a rolled-back row.
   */
  onRollback(undo: () => Promise<void>): void;
}

/** What runs after the delete committed (removing stored files); failures are logged, never thrown. */
export type AfterCommit = () => Promise<void>;

/**
 * A kind of row that belongs to a project (stories, images, drawings). Each child module exports its
 * `ProjectChild`; modules/index.ts lists them all and registers them with `registerProjectChild`, so
 * projects imports none of them and nothing registers itself by being imported.
 */
export interface ProjectChild {
  name: ProjectInclude;
  /** Duplicate order, ascending: stories 10, images 20, drawings 30 (a drawing points to an image). */
  order: number;
  /**
   * The project's first `limit` children for `include=<name>`, in list order. Ownership is checked; filter
   * by userId too.
   */
  load(ctx: AppContext, tx: Database, scope: ProjectScope, limit: number): Promise<unknown[]>;
  /**
   * Runs first in the duplicate's transaction, before the source project is locked: the files module takes
   * the user's row here, so a duplicate locks in the order every file write and project delete does (user,
   * then project, then child rows). Taking it later, in `copy`, deadlocked with a concurrent delete.
   */
  beforeProjectCopy?(ctx: AppContext, tx: Database, scope: ProjectScope): Promise<void>;
  /** Copies the children of `fromProjectId` into `toProjectId` (each starting at version 1); adds to idMap. */
  copy(step: DuplicateStep): Promise<void>;
  /**
   * Runs inside the delete's transaction before the project row (and by cascade its children) goes; the
   * returned function runs after commit. The files module collects the storage keys here and removes them after.
   */
  beforeProjectDelete?(ctx: AppContext, tx: Database, scope: ProjectScope): Promise<AfterCommit | void>;
}

const children = new Map<ProjectInclude, ProjectChild>();

/** Adds (or replaces) a child kind; answers a function that removes it again. */
export function registerProjectChild(child: ProjectChild): () => void {
  children.set(child.name, child);
  return () => {
    if (children.get(child.name) === child) children.delete(child.name);
  };
}

const orderedChildren = () => [...children.values()].sort((a, b) => a.order - b.order);

/**
 * Decides whether `imageId` may be the project's cover. Until images exist (migration 0005) no id is one of
 * the project's images, so only `null` is accepted. The files module replaces this with a query for "an
 * image of this project and user" via `setCoverImageCheck`.
 */
export type CoverImageCheck = (tx: Database, scope: ProjectScope, imageId: string) => Promise<boolean>;

const noImagesYet: CoverImageCheck = async () => false;
let coverImageCheck: CoverImageCheck = noImagesYet;

/** Replaces the cover-image check; answers a function that restores the previous one. */
export function setCoverImageCheck(check: CoverImageCheck): () => void {
  const previous = coverImageCheck;
  coverImageCheck = check;
  return () => {
    coverImageCheck = previous;
  };
}

/**
 * `If-Match` as the versions the write accepts, for the queries' `version = ANY($n::int[])`: null when any
 * version will do (absent, `*`). An empty list matches no row: the write answers 412. The router has
 * already kept only strong tags naming an int4 version (src/http/route.ts, parseIfMatch).
 */
export function expectedVersion(ifMatch: IfMatch): number[] | null {
  return ifMatch === undefined ? null : [...ifMatch];
}

/** 404 when the user has no such project, else 412 naming the current version. */
async function missOrConflict(db: Database, userId: string, id: string): Promise<never> {
  const current = await q.findProjectVersionNumber(db, userId, id);
  if (current === null) throw notFound('Project');
  throw versionConflict(current);
}

export type { CreateProjectInput, ListProjectsInput };

export async function listProjects(ctx: AppContext, userId: string, input: ListProjectsInput) {
  return q.findProjects(
    ctx.db,
    userId,
    { q: input.q, status: input.status, category: input.category, tag: input.tag },
    input.sort,
    input.limit,
    (input.page - 1) * input.limit,
  );
}

/**
 * `include` embeds at most this many of each kind (the first ones, in list order): 30 concurrent reads of a
 * project with thousands of children each held all of them in memory at once. The project's `counts` tell
 * a client whether there are more; the list routes (`projectId`, `page`) page through them.
 */
export const INCLUDE_LIMIT = 200;

export async function getProject(
  ctx: AppContext,
  userId: string,
  id: string,
  include: ProjectInclude[] = [],
  limit: number = INCLUDE_LIMIT,
): Promise<Project & Partial<Record<ProjectInclude, unknown[]>>> {
  if (include.length === 0) {
    const project = await q.findProject(ctx.db, userId, id);
    if (!project) throw notFound('Project');
    return project;
  }
  // One transaction: the project and its embedded children are one consistent picture.
  return ctx.db.transaction(async (tx) => {
    const project = await q.findProject(tx, userId, id);
    if (!project) throw notFound('Project');
    const embedded: Partial<Record<ProjectInclude, unknown[]>> = {};
    for (const name of include) {
      const child = children.get(name);
      // A kind whose module has not registered yet (images, drawings before 0005) has no rows.
      embedded[name] = child ? await child.load(ctx, tx, { userId, projectId: id }, limit) : [];
    }
    return { ...project, ...embedded };
  });
}

/** Throws 404 unless the user owns the project. For other modules checking a `projectId` they are given. */
export async function assertProjectOwned(db: Database, userId: string, projectId: string): Promise<void> {
  if ((await q.findProjectVersionNumber(db, userId, projectId)) === null) throw notFound('Project');
}

/**
 * Creates a project with its version 1 and its `project.created` event inside the caller's transaction.
 * The templates module builds "use a template" on this (then adds the template's stories).
 */
export async function createProjectInTx(
  tx: Database,
  userId: string,
  input: CreateProjectInput,
  eventProperties: Record<string, unknown> = {},
): Promise<Project> {
  const project = await q.insertProject(tx, userId, {
    title: input.title,
    description: input.description ?? null,
    category: input.category ?? null,
    status: input.status ?? 'draft',
    tags: input.tags ?? [],
    settings: input.settings ?? {},
  });
  await q.insertProjectVersion(tx, userId, project.id, q.PROJECT_FIELDS);
  await recordEvent(tx, {
    userId,
    type: 'project.created',
    projectId: project.id,
    properties: eventProperties,
  });
  return project;
}

export async function createProject(
  ctx: AppContext,
  userId: string,
  input: CreateProjectInput,
): Promise<Project> {
  // Its settings count against the user's storage (migration 0010).
  return ctx.db.transaction((tx) =>
    withinStorageLimit(ctx, tx, userId, () => createProjectInTx(tx, userId, input)),
  );
}

async function applyUpdate(
  tx: Database,
  userId: string,
  id: string,
  fields: Partial<ProjectFields>,
  ifMatch: IfMatch,
): Promise<Project> {
  const updated = await q.updateProject(tx, userId, id, fields, expectedVersion(ifMatch));
  if (!updated) return missOrConflict(tx, userId, id);
  const { changedFields, ...project } = updated;
  await q.insertProjectVersion(tx, userId, id, changedFields);
  return project;
}

export async function updateProject(
  ctx: AppContext,
  userId: string,
  id: string,
  fields: Partial<ProjectFields>,
  ifMatch: IfMatch,
): Promise<Project> {
  return ctx.db.transaction((tx) =>
    withinStorageLimit(ctx, tx, userId, async () => {
      // The update first: an unknown project is 404 and a stale If-Match 412 before the cover is judged.
      const project = await applyUpdate(tx, userId, id, fields, ifMatch);
      if (
        fields.coverImageId &&
        !(await coverImageCheck(tx, { userId, projectId: id }, fields.coverImageId))
      ) {
        throw validationError("coverImageId must be one of the project's own images", [
          { path: 'coverImageId', message: "must be one of the project's own images" },
        ]);
      }
      return project;
    }),
  );
}

export async function deleteProject(
  ctx: AppContext,
  userId: string,
  id: string,
  ifMatch: IfMatch,
): Promise<void> {
  // The user's row first (the storage lock order): the text the delete releases moves their use.
  const afterCommit = await ctx.db.transaction((tx) =>
    withinStorageLimit(ctx, tx, userId, async () => {
      const scope = { userId, projectId: id };
      const undo: AfterCommit[] = [];
      for (const child of orderedChildren()) {
        const after = await child.beforeProjectDelete?.(ctx, tx, scope);
        if (after) undo.push(after);
      }
      if (!(await q.deleteProject(tx, userId, id, expectedVersion(ifMatch)))) {
        return missOrConflict(tx, userId, id);
      }
      return undo;
    }),
  );
  for (const run of afterCommit) {
    await run().catch((error: Error) =>
      ctx.logger.error('clean-up after project delete failed', { projectId: id, error: error.message }),
    );
  }
}

/** "<title> (copy)", shortening the original so the result fits the title limit. */
export function copyTitle(title: string): string {
  const suffix = ' (copy)';
  return `${title.slice(0, LIMITS.titleChars - suffix.length).trimEnd()}${suffix}`;
}

/** The duplicate's work inside its transaction; `undos` collects what undoes the copied files. */
async function copyProjectInTx(
  ctx: AppContext,
  tx: Database,
  userId: string,
  id: string,
  input: { title?: string },
  undos: Array<() => Promise<void>>,
): Promise<Project> {
  for (const child of orderedChildren()) await child.beforeProjectCopy?.(ctx, tx, { userId, projectId: id });
  if (!(await q.lockProjectForCopy(tx, userId, id))) throw notFound('Project');
  const source = await q.findProject(tx, userId, id);
  if (!source) throw notFound('Project');
  const copyId = await q.insertProjectCopy(tx, userId, id, input.title ?? copyTitle(source.title));
  if (!copyId) throw notFound('Project');
  const step: DuplicateStep = {
    ctx,
    tx,
    userId,
    fromProjectId: id,
    toProjectId: copyId,
    idMap: new Map(),
    onRollback: (undo) => undos.push(undo),
  };
  for (const child of orderedChildren()) await child.copy(step);
  const cover = source.coverImageId ? (step.idMap.get(source.coverImageId) ?? null) : null;
  if (cover) await q.updateCoverImage(tx, userId, copyId, cover);
  await q.insertProjectVersion(tx, userId, copyId, q.PROJECT_FIELDS);
  await recordEvent(tx, {
    userId,
    type: 'project.created',
    projectId: copyId,
    properties: { duplicatedFrom: id },
  });
  const copy = await q.findProject(tx, userId, copyId);
  return copy!;
}

/**
 * Deep copy in one transaction: the project, then each registered child kind in order (stories, then
 * images and drawings with their files once registered). Any failure rolls the rows back and runs the
 * undos the steps registered (copied files), so nothing is left behind.
 */
export async function duplicateProject(
  ctx: AppContext,
  userId: string,
  id: string,
  input: { title?: string },
): Promise<Project> {
  const undos: Array<() => Promise<void>> = [];
  try {
    // The copy's text counts against the user's storage like its files (migration 0010).
    return await ctx.db.transaction((tx) =>
      withinStorageLimit(ctx, tx, userId, () => copyProjectInTx(ctx, tx, userId, id, input, undos)),
    );
  } catch (error) {
    for (const undo of undos.reverse()) {
      await undo().catch((undoError: Error) =>
        ctx.logger.error('undo after a failed duplicate failed', {
          projectId: id,
          error: undoError.message,
        }),
      );
    }
    throw error;
  }
}

export async function listVersions(
  ctx: AppContext,
  userId: string,
  id: string,
  paging: { page: number; limit: number },
) {
  // Every project has version 1, so an empty result means no project — unless the page is past the end.
  const result = await q.findProjectVersions(
    ctx.db,
    userId,
    id,
    paging.limit,
    (paging.page - 1) * paging.limit,
  );
  if (result.total === 0) throw notFound('Project');
  return result;
}

export async function getVersion(ctx: AppContext, userId: string, id: string, version: number) {
  const found = await q.findProjectVersion(ctx.db, userId, id, version);
  if (!found) throw notFound('Project version');
  return found;
}

/**
 * Makes a past version's fields current again, as a new version. A cover image that is no longer one of
 * the project's images is not brought back (the cover becomes null).
 */
export async function restoreVersion(
  ctx: AppContext,
  userId: string,
  id: string,
  version: number,
  ifMatch: IfMatch,
): Promise<Project> {
  return ctx.db.transaction((tx) =>
    withinStorageLimit(ctx, tx, userId, async () => {
      const found = await q.findProjectVersion(tx, userId, id, version);
      if (!found) throw notFound('Project version');
      const fields: Partial<ProjectFields> = {};
      for (const name of q.PROJECT_FIELDS) (fields as Record<string, unknown>)[name] = found.snapshot[name];
      if (
        fields.coverImageId &&
        !(await coverImageCheck(tx, { userId, projectId: id }, fields.coverImageId))
      ) {
        fields.coverImageId = null;
      }
      return applyUpdate(tx, userId, id, fields, ifMatch);
    }),
  );
}
