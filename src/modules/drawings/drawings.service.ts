import type { AppContext } from '../../context';
import type { Database } from '../../db/database';
import type { IfMatch } from '../../http/route';
import { notFound, validationError, versionConflict } from '../../http/errors';
import { fileKey } from '../../storage/file-store';
import { deleteStoredFiles, type UploadedImage } from '../../http/uploads';
import { recordEvent } from '../analytics/analytics.service';
import {
  assertStorageAvailable,
  changeStorageUsage,
  lockStorage,
} from '../storage-usage/storage-usage.service';
import { assertImageInProject, assertImageOwned, settleAll } from '../images/images.service';
import { requireProjectAccess, withProjectWrite } from '../projects/project-access';
import { assertMoveTarget } from '../stories/stories.service';
import { expectedVersion, type DuplicateStep, type ProjectChild } from '../projects/projects.service';
import * as q from './drawings.queries';

/** The `Drawing` the API answers: the row without its file key, with a fresh signed URL of its PNG. */
export interface Drawing extends Omit<q.DrawingRow, 'pngKey'> {
  url: string | null;
}

const FILE_CONCURRENCY = 4;

async function present(ctx: AppContext, row: q.DrawingRow): Promise<Drawing> {
  return {
    id: row.id,
    projectId: row.projectId,
    imageId: row.imageId,
    title: row.title,
    data: row.data,
    width: row.width,
    height: row.height,
    mimeType: row.mimeType,
    sizeBytes: row.sizeBytes,
    url: row.pngKey ? await ctx.store.signedUrl(row.pngKey) : null,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

async function missOrConflict(db: Database, userId: string, id: string): Promise<never> {
  const current = await q.findDrawingVersionNumber(db, userId, id);
  if (current === null) throw notFound('Drawing');
  throw versionConflict(current);
}

/** Puts an accepted PNG in the store under a new key (the pipeline's thumbnail is not kept for drawings). */
async function storePng(ctx: AppContext, userId: string, upload: UploadedImage): Promise<q.DrawingPng> {
  const pngKey = fileKey('drawings', userId, 'image/png');
  await ctx.store.put(pngKey, { path: upload.path }, { contentType: 'image/png' });
  return { pngKey, mimeType: 'image/png', sizeBytes: upload.sizeBytes };
}

export async function listDrawings(
  ctx: AppContext,
  userId: string,
  input: { projectId?: string; imageId?: string; page: number; limit: number },
): Promise<{ rows: Drawing[]; total: number }> {
  // A projectId or imageId the caller is no member of is a 404; without them: the drawings of every
  // project the caller may read.
  if (input.projectId) await requireProjectAccess(ctx.db, userId, input.projectId, 'read');
  if (input.imageId) await assertImageOwned(ctx.db, userId, input.imageId);
  const { rows, total } = await q.findDrawings(
    ctx.db,
    userId,
    { projectId: input.projectId ?? null, imageId: input.imageId ?? null },
    input.limit,
    (input.page - 1) * input.limit,
  );
  return { rows: await Promise.all(rows.map((row) => present(ctx, row))), total };
}

export async function getDrawing(ctx: AppContext, userId: string, id: string): Promise<Drawing> {
  const row = await q.findDrawing(ctx.db, userId, id);
  if (!row) throw notFound('Drawing');
  return present(ctx, row);
}

/** The drawings of `ids` the caller may read, each as its GET answers it (fresh signed URLs), in one query. */
export async function readableDrawingsByIds(
  ctx: AppContext,
  userId: string,
  ids: readonly string[],
): Promise<Drawing[]> {
  const rows = await q.findDrawingsByIds(ctx.db, userId, ids);
  return Promise.all(rows.map((row) => present(ctx, row)));
}

export interface CreateDrawingInput {
  projectId: string;
  imageId?: string;
  title?: string;
  data: unknown;
  width: number;
  height: number;
}

/**
 * Creates a drawing, with its rendered PNG when one was sent: the checks that need no file first, then the
 * PNG into the store, then one transaction for the row, the storage use (the PNG's size, within the plan's
 * limit or 403) and `drawing.created`. A failure in that transaction removes the stored PNG.
 */
export async function createDrawing(
  ctx: AppContext,
  userId: string,
  input: CreateDrawingInput,
  upload: UploadedImage | undefined,
): Promise<Drawing> {
  // Owner or editor; the stroke data and PNG count against the project OWNER's storage and plan.
  const seen = await requireProjectAccess(ctx.db, userId, input.projectId, 'write');
  if (input.imageId) await assertImageInProject(ctx.db, userId, input.projectId, input.imageId);
  if (upload) await assertStorageAvailable(ctx, seen.ownerId, upload.sizeBytes);

  const png = upload ? await storePng(ctx, seen.ownerId, upload) : null;
  let row: q.DrawingRow;
  try {
    // withProjectWrite takes the owner's row (lockStorage's lock), then the project, and holds the stroke
    // data's bytes, which the insert adds to the use (migration 0010), to the plan's limit; the PNG's
    // bytes are checked on top of them.
    row = await withProjectWrite(
      ctx,
      userId,
      input.projectId,
      'write',
      'Project',
      async (tx, access) => {
        const inserted = await q.insertDrawing(tx, access.ownerId, {
          projectId: input.projectId,
          imageId: input.imageId ?? null,
          title: input.title ?? null,
          data: input.data,
          width: input.width,
          height: input.height,
          png,
        });
        if (png) await changeStorageUsage(ctx, tx, access.ownerId, png.sizeBytes);
        await recordEvent(tx, {
          userId,
          type: 'drawing.created',
          projectId: inserted.projectId,
          properties: { drawingId: inserted.id, imageId: inserted.imageId, withPng: png !== null },
        });
        return inserted;
      },
      seen,
    );
  } catch (error) {
    if (png) await deleteStoredFiles(ctx.store, [png.pngKey], ctx.logger);
    throw error;
  }
  return present(ctx, row);
}

export type UpdateDrawingInput = Partial<q.DrawingFields>;

/**
 * Changes a drawing (version + 1), honouring If-Match. A new PNG replaces the old one: the new file is
 * stored first, the row and the storage use (new size minus old) change in one transaction, and the old
 * file is removed after the commit. Without a file the PNG is kept. `projectId` moves the drawing to
 * another of the caller's projects; without `imageId` its image (of the old project) is then cleared.
 */
export async function updateDrawing(
  ctx: AppContext,
  userId: string,
  id: string,
  fields: UpdateDrawingInput,
  ifMatch: IfMatch,
  upload: UploadedImage | undefined,
): Promise<Drawing> {
  if (!upload && Object.values(fields).every((value) => value === undefined)) {
    throw validationError('the body must name at least one field to change, or carry a new PNG');
  }
  const expected = expectedVersion(ifMatch);
  // Owner or editor of the drawing's project (and of the one it moves to, of the same owner).
  const current = await q.findDrawingState(ctx.db, userId, id);
  if (!current) throw notFound('Drawing');
  const seen = await requireProjectAccess(ctx.db, userId, current.projectId, 'write', 'Drawing');
  // A stale If-Match is refused before a file is stored; the UPDATE checks it again.
  if (expected !== null && !expected.includes(current.version)) throw versionConflict(current.version);
  const projectId = fields.projectId ?? current.projectId;
  if (fields.imageId) await assertImageInProject(ctx.db, userId, projectId, fields.imageId);
  if (upload) await assertStorageAvailable(ctx, seen.ownerId, upload.sizeBytes - (current.sizeBytes ?? 0));

  const png = upload ? await storePng(ctx, seen.ownerId, upload) : null;
  let updated: NonNullable<Awaited<ReturnType<typeof q.updateDrawing>>>;
  try {
    // The owner's row first; the new stroke data and PNG together stay within the owner's plan's limit.
    updated = await withProjectWrite(
      ctx,
      userId,
      current.projectId,
      'write',
      'Drawing',
      async (tx, access) => {
        if (projectId !== current.projectId) await assertMoveTarget(tx, userId, access, projectId);
        const scope = { ownerId: access.ownerId, projectId: current.projectId };
        const row = await q.updateDrawing(tx, scope, id, fields, png, expected);
        if (!row) return missOrConflict(tx, userId, id);
        if (png) await changeStorageUsage(ctx, tx, access.ownerId, png.sizeBytes - (row.oldSizeBytes ?? 0));
        return row;
      },
      seen,
    );
  } catch (error) {
    if (png) await deleteStoredFiles(ctx.store, [png.pngKey], ctx.logger);
    throw error;
  }
  if (png && updated.oldPngKey) await deleteStoredFiles(ctx.store, [updated.oldPngKey], ctx.logger);
  const { oldPngKey: _k, oldSizeBytes: _s, ...row } = updated;
  return present(ctx, row);
}

/** Deletes the row and releases its PNG's size in one transaction (If-Match honoured), then the PNG. */
export async function deleteDrawing(
  ctx: AppContext,
  userId: string,
  id: string,
  ifMatch: IfMatch,
): Promise<void> {
  // Owner or editor; the PNG's size is released from the owner's storage.
  const current = await q.findDrawingState(ctx.db, userId, id);
  if (!current) throw notFound('Drawing');
  const { projectId } = current;
  const deleted = await withProjectWrite(ctx, userId, projectId, 'write', 'Drawing', async (tx, access) => {
    const row = await q.deleteDrawing(
      tx,
      { ownerId: access.ownerId, projectId },
      id,
      expectedVersion(ifMatch),
    );
    if (!row) return missOrConflict(tx, userId, id);
    if (row.sizeBytes) await changeStorageUsage(ctx, tx, access.ownerId, -row.sizeBytes);
    return row;
  });
  await deleteStoredFiles(ctx.store, [deleted.pngKey], ctx.logger);
}

/** Every stored PNG of the user's drawings: account deletion removes them. */
export const drawingFileKeysOfUser = (db: Database, userId: string) => q.findDrawingKeysOfUser(db, userId);

/**
 * Copies a project's drawings with their PNGs into the duplicate, after its images (step order 30): each
 * drawing points to the copy of its image. The PNGs' sizes are charged before anything is copied.
 */
async function copyDrawings(step: DuplicateStep): Promise<void> {
  // The copies are the caller's (step.userId): their storage, their keys; the sources carry their owner's id.
  const { ctx, tx, userId } = step;
  await lockStorage(tx, userId);
  const sources = await q.lockDrawingsToCopy(tx, step.sourceOwnerId, step.fromProjectId);
  if (sources.length === 0) return;
  await changeStorageUsage(
    ctx,
    tx,
    userId,
    sources.reduce((sum, d) => sum + (d.sizeBytes ?? 0), 0),
  );
  const copies = await settleAll(sources, FILE_CONCURRENCY, async (drawing) => {
    if (!drawing.pngKey) return { drawing, pngKey: null };
    const pngKey = fileKey('drawings', userId, 'image/png');
    step.onRollback(() => deleteStoredFiles(ctx.store, [pngKey], ctx.logger));
    await ctx.store.copy(drawing.pngKey, pngKey);
    return { drawing, pngKey };
  });
  for (const { drawing, pngKey } of copies) {
    const newId = await q.insertDrawingCopy(tx, step.sourceOwnerId, drawing.id, {
      ownerId: userId,
      projectId: step.toProjectId,
      imageId: drawing.imageId ? (step.idMap.get(drawing.imageId) ?? null) : null,
      pngKey,
    });
    step.idMap.set(drawing.id, newId);
  }
}

/** Drawings as a project's children: embedded, copied and deleted with it (listed in modules/index.ts). */
export const drawingsChild: ProjectChild = {
  name: 'drawings',
  order: 30,
  load: async (ctx, tx, scope, limit) =>
    Promise.all(
      (await q.findDrawingsOfProject(tx, scope.userId, scope.projectId, limit)).map((row) =>
        present(ctx, row),
      ),
    ),
  copy: copyDrawings,
  // After the images' step, which took the user's row and the project: lock the drawings, release their PNGs.
  beforeProjectDelete: async (ctx, tx, scope) => {
    await lockStorage(tx, scope.userId);
    const pngs = await q.lockDrawingPngsOfProject(tx, scope.userId, scope.projectId);
    if (pngs.length === 0) return;
    await changeStorageUsage(ctx, tx, scope.userId, -pngs.reduce((sum, p) => sum + p.sizeBytes, 0));
    return async () => {
      await settleAll(pngs, FILE_CONCURRENCY * 2, (p) =>
        deleteStoredFiles(ctx.store, [p.pngKey], ctx.logger),
      );
    };
  },
};

export type DrawingPngFile = q.DrawingPngRow;

/** The project's drawings that have a rendered PNG (the export prints them), in list order. */
export function listProjectDrawingFiles(
  db: Database,
  userId: string,
  projectId: string,
): Promise<DrawingPngFile[]> {
  return q.findDrawingPngsOfProject(db, userId, projectId);
}
