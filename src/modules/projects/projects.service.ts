import type { AppContext } from '../../context';
import type { Database } from '../../db/database';
import { notFound, validationError, versionConflict } from '../../http/errors';
import type { IfMatch } from '../../http/route';
import { recordEvent } from '../analytics/analytics.service';
import { withinStorageLimit } from '../storage-usage/storage-usage.service';
import * as q from './projects.queries';
import type { CreateProjectInput, ListProjectsInput, ProjectInclude, ProjectSort } from './projects.schemas';
import { LIMITS, PROJECT_SORTS } from './projects.schemas';
import {
  lockProjectAccess,
  requireProjectAccess,
  withProjectWrite,
  type ProjectRole,
} from './project-access';

// The access seam (project-access.ts), entered through this public file by the modules that share projects.
export {
  assertRole,
  projectAccess,
  requireProjectAccess,
  type ProjectAccess,
  type ProjectNeed,
  type ProjectRole,
} from './project-access';

/** A project as the API answers it: with its owner's id and the caller's role on it. */
export type Project = q.ProjectRow & { role: ProjectRole };
export type ProjectFields = q.ProjectFields;

/**
 * A project as its children's queries see it. `userId` is the project's OWNER — the id every child row
 * carries (ADR 0014) — not necessarily the caller, whose access the projects service has already checked.
 */
export interface ProjectScope {
  userId: string;
  projectId: string;
}

/** What a child's duplicate step gets: the transaction, both projects, and the ids copied so far. */
export interface DuplicateStep {
  ctx: AppContext;
  tx: Database;
  /** The caller, who owns the copy: the copied rows carry their id and the copied bytes count against them. */
  userId: string;
  /** The source project's owner: the id the source's child rows carry. */
  sourceOwnerId: string;
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
   * The project's first `limit` children for `include=<name>`, in list order. The caller's access is
   * checked; `scope.userId` is the project's owner, the id its children carry: filter by it too.
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

/** Adds a child kind (modules/index.ts registers stories, images and drawings at wiring time). */
export function registerProjectChild(child: ProjectChild): void {
  children.set(child.name, child);
}

const orderedChildren = () => [...children.values()].sort((a, b) => a.order - b.order);

/**
 * Decides whether `imageId` may be the project's cover: true when it is one of the project's images. The
 * images module's `imageIsProjectCover`, set by modules/index.ts through `setCoverImageCheck`.
 */
export type CoverImageCheck = (tx: Database, scope: ProjectScope, imageId: string) => Promise<boolean>;

let coverImageCheck: CoverImageCheck = async () => {
  throw new Error("No cover-image check is set: src/modules/index.ts sets the images module's");
};

/** Sets the cover-image check (modules/index.ts, at wiring time). */
export function setCoverImageCheck(check: CoverImageCheck): void {
  coverImageCheck = check;
}

/**
 * `If-Match` as the versions the write accepts, for the queries' `version = ANY($n::int[])`: null when any
 * version will do (absent, `*`). An empty list matches no row: the write answers 412. The router has
 * already kept only strong tags naming an int4 version (src/http/route.ts, parseIfMatch).
 */
export function expectedVersion(ifMatch: IfMatch): number[] | null {
  return ifMatch === undefined ? null : [...ifMatch];
}

/** 404 when the owner has no such project, else 412 naming the current version. */
async function missOrConflict(db: Database, userId: string, id: string): Promise<never> {
  const current = await q.findProjectVersionNumber(db, userId, id);
  if (current === null) throw notFound('Project');
  throw versionConflict(current);
}

export type { CreateProjectInput, ListProjectsInput };

/** What a list `cursor` holds (base64url JSON): the sort, the last row's key and id, the rows before it. */
interface ListCursor {
  s: ProjectSort;
  k: string;
  i: string;
  o: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** A timestamptz as PostgreSQL writes it (`updated_at::text`), which casts back to the same instant. */
const TIMESTAMP_TEXT = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2}){0,2}$/;

/** SQLSTATEs of a timestamp PostgreSQL cannot read: invalid_datetime_format, datetime_field_overflow. */
const INVALID_TIMESTAMP = new Set(['22007', '22008']);

export function encodeListCursor(cursor: ListCursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

const badCursor = (why: string) =>
  validationError(`Invalid cursor: ${why}`, [{ path: 'cursor', message: why }]);

/**
 * The cursor of an earlier page, checked field by field: anything that is not what this server wrote
 * (bad base64 or JSON, a missing or mistyped field, a key that is not a timestamp for a date sort) is a
 * 400 VALIDATION_ERROR, as is a cursor made for another `sort`. A cursor only positions the caller in
 * their own list, so one that is well-formed but edited grants nothing.
 */
export function decodeListCursor(text: string, sort: ProjectSort): ListCursor {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw badCursor('not a cursor this server made');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badCursor('not a cursor this server made');
  }
  const { s, k, i, o } = value as Record<string, unknown>;
  if (typeof s !== 'string' || typeof k !== 'string' || typeof i !== 'string' || typeof o !== 'number') {
    throw badCursor('not a cursor this server made');
  }
  if (!(PROJECT_SORTS as readonly string[]).includes(s)) throw badCursor('not a cursor this server made');
  if (s !== sort) throw badCursor(`it was made for sort=${s}; pass the same sort`);
  if (!UUID.test(i) || !Number.isSafeInteger(o) || o < 0) throw badCursor('not a cursor this server made');
  if (q.sortKeyType(sort) === 'timestamptz' ? !TIMESTAMP_TEXT.test(k) : k.length > LIMITS.titleChars * 2) {
    throw badCursor('not a cursor this server made');
  }
  return { s, k, i, o };
}

export async function listProjects(ctx: AppContext, userId: string, input: ListProjectsInput) {
  const cursor = input.cursor === undefined ? undefined : decodeListCursor(input.cursor, input.sort);
  const skipped = cursor ? cursor.o : ((input.page ?? 1) - 1) * input.limit;
  const { rows, total, next } = await q
    .findProjects(
      ctx.db,
      userId,
      { q: input.q, status: input.status, category: input.category, tag: input.tag, role: input.role },
      input.sort,
      input.limit,
      cursor ? { after: { key: cursor.k, id: cursor.i } } : { offset: skipped },
    )
    .catch((error: unknown) => {
      // A key shaped like a timestamp that is none (2024-02-30): PostgreSQL refuses the cast.
      if (cursor && INVALID_TIMESTAMP.has((error as { code?: unknown }).code as string)) {
        throw badCursor('not a cursor this server made');
      }
      throw error;
    });
  const nextCursor = next
    ? encodeListCursor({ s: input.sort, k: next.key, i: next.id, o: skipped + rows.length })
    : null;
  return { rows, total, nextCursor, page: Math.floor(skipped / input.limit) + 1 };
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
  // Any member reads; the project and the caller's role come from one query.
  if (include.length === 0) {
    const project = await q.findReadableProject(ctx.db, userId, id);
    if (!project) throw notFound('Project');
    return project;
  }
  // One transaction: the project and its embedded children are one consistent picture.
  return ctx.db.transaction(async (tx) => {
    const project = await q.findReadableProject(tx, userId, id);
    if (!project) throw notFound('Project');
    const embedded: Partial<Record<ProjectInclude, unknown[]>> = {};
    for (const name of include) {
      const child = children.get(name);
      // modules/index.ts registers every kind `include` accepts: a missing one is a wiring mistake.
      if (!child) throw new Error(`No project child is registered for include=${name}`);
      embedded[name] = await child.load(ctx, tx, { userId: project.ownerId, projectId: id }, limit);
    }
    return { ...project, ...embedded };
  });
}

/**
 * The projects of `ids` the caller may read, each as GET /api/projects/:id answers it (without `include`),
 * in one query: the sync feed loads a page's projects with it. Unreadable or missing ids are left out.
 */
export const readableProjectsByIds = (
  ctx: AppContext,
  userId: string,
  ids: readonly string[],
): Promise<Project[]> => q.findReadableProjectsByIds(ctx.db, userId, ids);

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
  await q.insertProjectVersion(tx, userId, project.id, q.PROJECT_FIELDS, userId);
  await recordEvent(tx, {
    userId,
    type: 'project.created',
    projectId: project.id,
    properties: eventProperties,
  });
  return { ...project, role: 'owner' };
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

/** The write of an update or restore, on the owner's project, as a version made by `changedBy`. */
async function applyUpdate(
  tx: Database,
  ownerId: string,
  id: string,
  fields: Partial<ProjectFields>,
  ifMatch: IfMatch,
  changedBy: string,
): Promise<q.ProjectRow> {
  const updated = await q.updateProject(tx, ownerId, id, fields, expectedVersion(ifMatch));
  if (!updated) return missOrConflict(tx, ownerId, id);
  const { changedFields, ...project } = updated;
  await q.insertProjectVersion(tx, ownerId, id, changedFields, changedBy);
  return project;
}

export async function updateProject(
  ctx: AppContext,
  userId: string,
  id: string,
  fields: Partial<ProjectFields>,
  ifMatch: IfMatch,
): Promise<Project> {
  // Owner or editor; the settings count against the owner's storage.
  return withProjectWrite(ctx, userId, id, 'write', 'Project', async (tx, access) => {
    // The update first: a stale If-Match is 412 before the cover is judged.
    const project = await applyUpdate(tx, access.ownerId, id, fields, ifMatch, userId);
    if (
      fields.coverImageId &&
      !(await coverImageCheck(tx, { userId: access.ownerId, projectId: id }, fields.coverImageId))
    ) {
      throw validationError("coverImageId must be one of the project's own images", [
        { path: 'coverImageId', message: "must be one of the project's own images" },
      ]);
    }
    return { ...project, role: access.role };
  });
}

export async function deleteProject(
  ctx: AppContext,
  userId: string,
  id: string,
  ifMatch: IfMatch,
): Promise<void> {
  // Owner only. The owner's row first (the storage lock order): the text the delete releases moves their use.
  const afterCommit = await withProjectWrite(ctx, userId, id, 'manage', 'Project', async (tx, access) => {
    const scope = { userId: access.ownerId, projectId: id };
    const undo: AfterCommit[] = [];
    for (const child of orderedChildren()) {
      const after = await child.beforeProjectDelete?.(ctx, tx, scope);
      if (after) undo.push(after);
    }
    if (!(await q.deleteProject(tx, access.ownerId, id, expectedVersion(ifMatch)))) {
      return missOrConflict(tx, access.ownerId, id);
    }
    return undo;
  });
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
  // The caller's row first: the copy is theirs and counts against their storage, whatever their role.
  for (const child of orderedChildren()) await child.beforeProjectCopy?.(ctx, tx, { userId, projectId: id });
  // Any member may copy; the source is share-locked (no delete or transfer while it is copied).
  const access = await lockProjectAccess(tx, userId, id, 'read');
  const source = await q.findProject(tx, access.ownerId, id);
  if (!source) throw notFound('Project');
  const copyId = await q.insertProjectCopy(
    tx,
    access.ownerId,
    id,
    input.title ?? copyTitle(source.title),
    userId,
  );
  if (!copyId) throw notFound('Project');
  const step: DuplicateStep = {
    ctx,
    tx,
    userId,
    sourceOwnerId: access.ownerId,
    fromProjectId: id,
    toProjectId: copyId,
    idMap: new Map(),
    onRollback: (undo) => undos.push(undo),
  };
  for (const child of orderedChildren()) await child.copy(step);
  const cover = source.coverImageId ? (step.idMap.get(source.coverImageId) ?? null) : null;
  if (cover) await q.updateCoverImage(tx, userId, copyId, cover);
  await q.insertProjectVersion(tx, userId, copyId, q.PROJECT_FIELDS, userId);
  await recordEvent(tx, {
    userId,
    type: 'project.created',
    projectId: copyId,
    properties: { duplicatedFrom: id },
  });
  const copy = await q.findProject(tx, userId, copyId);
  return { ...copy!, role: 'owner' };
}

/**
 * Deep copy in one transaction: the project, then each registered child kind in order (stories, then
 * images and drawings with their files). Any failure rolls the rows back and runs the
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
  // Any member reads the history.
  const { ownerId } = await requireProjectAccess(ctx.db, userId, id, 'read');
  // Every project has version 1, so an empty result means no project — unless the page is past the end.
  const result = await q.findProjectVersions(
    ctx.db,
    ownerId,
    id,
    paging.limit,
    (paging.page - 1) * paging.limit,
  );
  if (result.total === 0) throw notFound('Project');
  return result;
}

export async function getVersion(ctx: AppContext, userId: string, id: string, version: number) {
  const { ownerId } = await requireProjectAccess(ctx.db, userId, id, 'read');
  const found = await q.findProjectVersion(ctx.db, ownerId, id, version);
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
  // Owner or editor, like an update.
  return withProjectWrite(ctx, userId, id, 'write', 'Project', async (tx, access) => {
    const scope = { userId: access.ownerId, projectId: id };
    const found = await q.findProjectVersion(tx, access.ownerId, id, version);
    if (!found) throw notFound('Project version');
    const fields: Partial<ProjectFields> = {};
    for (const name of q.PROJECT_FIELDS) (fields as Record<string, unknown>)[name] = found.snapshot[name];
    if (fields.coverImageId && !(await coverImageCheck(tx, scope, fields.coverImageId))) {
      fields.coverImageId = null;
    }
    return { ...(await applyUpdate(tx, access.ownerId, id, fields, ifMatch, userId)), role: access.role };
  });
}
