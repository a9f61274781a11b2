import type { AppContext } from '../../context';
import type { Database } from '../../db/database';
import { notFound, validationError } from '../../http/errors';
import { contentTypeForKey, fileKey, variantKey } from '../../storage/file-store';
import { deleteStoredFiles, storeUploadedImage, type UploadedImage } from '../../http/uploads';
import { recordEvent } from '../analytics/analytics.service';
import { childProjectId, requireProjectAccess, withProjectWrite } from '../projects/project-access';
import {
  type CoverImageCheck,
  type ProjectChild,
  type DuplicateStep,
  type ProjectScope,
} from '../projects/projects.service';
import { assertMoveTarget, getStory } from '../stories/stories.service';
import {
  assertStorageAvailable,
  changeStorageUsage,
  lockStorage,
} from '../storage-usage/storage-usage.service';
import * as q from './images.queries';
import { type CreateImageInput, IMAGE_LIMITS, type ImageKind } from './images.schemas';

/** The `Image` the API answers: the row without its file keys, with fresh signed URLs. */
export interface Image {
  id: string;
  projectId: string;
  storyId: string | null;
  kind: ImageKind;
  title: string | null;
  originalFilename: string | null;
  prompt: string | null;
  provider: string | null;
  model: string | null;
  mimeType: string;
  width: number;
  height: number;
  sizeBytes: number;
  sha256: string;
  position: number;
  metadata: Record<string, unknown>;
  url: string;
  thumbnailUrl: string;
  createdAt: Date;
  updatedAt: Date;
}

/** Copies and deletes of stored files run this many at once (S3 round trips dominate). */
const FILE_CONCURRENCY = 4;

async function present(ctx: AppContext, row: q.ImageRow): Promise<Image> {
  const [url, thumbnailUrl] = await Promise.all([
    ctx.store.signedUrl(row.storageKey),
    ctx.store.signedUrl(row.thumbnailKey),
  ]);
  return {
    id: row.id,
    projectId: row.projectId,
    storyId: row.storyId,
    kind: row.kind,
    title: row.title,
    originalFilename: row.originalFilename,
    prompt: row.prompt,
    provider: row.provider,
    model: row.model,
    mimeType: row.mimeType,
    width: row.width,
    height: row.height,
    sizeBytes: row.sizeBytes,
    sha256: row.sha256,
    position: row.position,
    metadata: row.metadata,
    url,
    thumbnailUrl,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/**
 * Runs `work` over `items`, `concurrency` at a time, and waits for every one to settle before it throws
 * the first failure: nothing started here is still running when the caller cleans up.
 */
export async function settleAll<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) {
      try {
        results[i] = { status: 'fulfilled', value: await work(items[i]) };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<R>).value);
}

// --- Ownership checks -----------------------------------------------------------------------------------

/** 404 unless the caller may read the story; 400 when it is in another project. */
async function assertStoryInProject(
  ctx: AppContext,
  userId: string,
  projectId: string,
  storyId: string,
): Promise<void> {
  const story = await getStory(ctx, userId, storyId);
  if (story.projectId !== projectId) {
    throw validationError("storyId must be a story of the image's project", [
      { path: 'storyId', message: "must be a story of the image's project" },
    ]);
  }
}

/** 404 unless the caller may read this image (any role on its project). */
export async function assertImageOwned(db: Database, userId: string, imageId: string): Promise<void> {
  if ((await q.findImageProjectId(db, userId, imageId)) === null) throw notFound('Image');
}

/** 404 unless the caller may read the image; 400 when it is in another project than `projectId`. */
export async function assertImageInProject(
  db: Database,
  userId: string,
  projectId: string,
  imageId: string,
): Promise<void> {
  const imageProject = await q.findImageProjectId(db, userId, imageId);
  if (imageProject === null) throw notFound('Image');
  if (imageProject !== projectId) {
    throw validationError("imageId must be an image of the drawing's project", [
      { path: 'imageId', message: "must be an image of the drawing's project" },
    ]);
  }
}

// --- The API --------------------------------------------------------------------------------------------

export async function listImages(
  ctx: AppContext,
  userId: string,
  input: { projectId?: string; storyId?: string; page: number; limit: number },
): Promise<{ rows: Image[]; total: number }> {
  // A projectId or storyId the caller is no member of is a 404, not an empty list: the checks come first.
  // Without them: the images of every project the caller may read.
  if (input.projectId) await requireProjectAccess(ctx.db, userId, input.projectId, 'read');
  if (input.storyId) await getStory(ctx, userId, input.storyId);
  const { rows, total } = await q.findImages(
    ctx.db,
    userId,
    { projectId: input.projectId ?? null, storyId: input.storyId ?? null },
    input.limit,
    (input.page - 1) * input.limit,
  );
  return { rows: await Promise.all(rows.map((row) => present(ctx, row))), total };
}

export async function getImage(ctx: AppContext, userId: string, id: string): Promise<Image> {
  const row = await q.findImage(ctx.db, userId, id);
  if (!row) throw notFound('Image');
  return present(ctx, row);
}

/** The images of `ids` the caller may read, each as its GET answers it (fresh signed URLs), in one query. */
export async function readableImagesByIds(
  ctx: AppContext,
  userId: string,
  ids: readonly string[],
): Promise<Image[]> {
  const rows = await q.findImagesByIds(ctx.db, userId, ids);
  return Promise.all(rows.map((row) => present(ctx, row)));
}

export type { CreateImageInput };

/**
 * Records an accepted upload. Order: (1) the checks that need no file — the project and story are the
 * caller's, the quota has room — so a refused upload stores nothing; (2) the original and its thumbnail go
 * into the store; (3) one transaction inserts the row, adds the original's size to the user's storage use
 * only if it stays within the plan (else 403), and records `image.created`. Any failure in (3) removes the
 * files stored in (2); a crash in between leaves files without a row, which `storage:gc` collects.
 */
export async function createImage(
  ctx: AppContext,
  userId: string,
  input: CreateImageInput,
  upload: UploadedImage,
): Promise<Image> {
  // Owner or editor; the file counts against the project OWNER's storage and plan.
  const seen = await requireProjectAccess(ctx.db, userId, input.projectId, 'write');
  if (input.storyId) await assertStoryInProject(ctx, userId, input.projectId, input.storyId);
  await assertStorageAvailable(ctx, seen.ownerId, upload.sizeBytes);

  const keys = await storeUploadedImage(ctx.store, upload, { namespace: 'images', ownerId: seen.ownerId });
  let row: q.ImageRow;
  try {
    // The owner's row, then the project (share-locked: no transfer moves the bytes meanwhile).
    row = await withProjectWrite(
      ctx,
      userId,
      input.projectId,
      'write',
      'Project',
      async (tx, access) => {
        const inserted = await q.insertImage(
          tx,
          access.ownerId,
          {
            projectId: input.projectId,
            storyId: input.storyId ?? null,
            kind: input.kind ?? 'page',
            title: input.title ?? null,
            originalFilename: upload.originalFilename,
            prompt: input.prompt ?? null,
            provider: input.provider ?? null,
            model: input.model ?? null,
            position: input.position ?? null,
            metadata: input.metadata ?? {},
            mimeType: upload.mimeType,
            width: upload.width,
            height: upload.height,
            sizeBytes: upload.sizeBytes,
            sha256: upload.sha256,
            storageKey: keys.key,
            thumbnailKey: keys.thumbnailKey,
          },
          IMAGE_LIMITS.maxPosition,
        );
        await changeStorageUsage(ctx, tx, access.ownerId, upload.sizeBytes);
        await recordEvent(tx, {
          userId,
          type: 'image.created',
          projectId: inserted.projectId,
          properties: { imageId: inserted.id, mimeType: inserted.mimeType, sizeBytes: inserted.sizeBytes },
        });
        return inserted;
      },
      seen,
    );
  } catch (error) {
    await deleteStoredFiles(ctx.store, [keys.key, keys.thumbnailKey], ctx.logger);
    throw error;
  }
  return present(ctx, row);
}

export type UpdateImageInput = Partial<q.ImageFields>;

/**
 * Changes an image's fields (never its file). `projectId` moves it to another of the caller's projects
 * (404 otherwise); a `storyId` must then be a story of that project (400), and without one the story is
 * cleared. Its drawings stay where they are (detached) and it stops being the old project's cover.
 */
export async function updateImage(
  ctx: AppContext,
  userId: string,
  id: string,
  fields: UpdateImageInput,
): Promise<Image> {
  // Owner or editor of the image's project (and of the one it moves to, of the same owner).
  const current = await childProjectId(ctx.db, 'images', userId, id);
  if (current === null) throw notFound('Image');
  const projectId = fields.projectId ?? current;
  // A concurrent move in between is caught by the foreign keys (the story must be in the image's project).
  if (fields.storyId) await assertStoryInProject(ctx, userId, projectId, fields.storyId);
  const row = await withProjectWrite(ctx, userId, current, 'write', 'Image', async (tx, access) => {
    if (projectId !== current) await assertMoveTarget(tx, userId, access, projectId);
    return q.updateImage(tx, { ownerId: access.ownerId, projectId: current }, id, fields);
  });
  if (!row) throw notFound('Image');
  return present(ctx, row);
}

/** Deletes the row and releases its size in one transaction, then removes its files. */
export async function deleteImage(ctx: AppContext, userId: string, id: string): Promise<void> {
  // Owner or editor; the size is released from the owner's storage.
  const projectId = await childProjectId(ctx.db, 'images', userId, id);
  if (projectId === null) throw notFound('Image');
  const files = await withProjectWrite(ctx, userId, projectId, 'write', 'Image', async (tx, access) => {
    const deleted = await q.deleteImage(tx, { ownerId: access.ownerId, projectId }, id);
    if (!deleted) throw notFound('Image');
    await changeStorageUsage(ctx, tx, access.ownerId, -deleted.sizeBytes);
    return deleted;
  });
  // After the commit: a file without a row is garbage storage:gc finds; a row without its file is lost data.
  await deleteStoredFiles(ctx.store, [files.storageKey, files.thumbnailKey], ctx.logger);
}

// --- For other modules --------------------------------------------------------------------------------

/** Every stored file of the user's images (originals and thumbnails): account deletion removes them. */
export const imageFileKeysOfUser = (db: Database, userId: string) => q.findImageKeysOfUser(db, userId);

/** What a page layout needs to know about an image, without URLs. */
export interface ImageFileInfo {
  id: string;
  storyId: string | null;
  kind: ImageKind;
  title: string | null;
  position: number;
  mimeType: string;
  width: number;
  height: number;
  sizeBytes: number;
}

const fileInfo = (row: q.ImageRow): ImageFileInfo => ({
  id: row.id,
  storyId: row.storyId,
  kind: row.kind,
  title: row.title,
  position: row.position,
  mimeType: row.mimeType,
  width: row.width,
  height: row.height,
  sizeBytes: row.sizeBytes,
});

/**
 * The images of a project in list order (position, then createdAt), for the export, which checked the
 * caller's access: `userId` is the project's owner.
 */
export async function listProjectImageFiles(
  db: Database,
  userId: string,
  projectId: string,
): Promise<ImageFileInfo[]> {
  return (await q.findImagesOfProject(db, userId, projectId)).map(fileInfo);
}

/**
 * The stored original of an image the caller may read, read into memory (at most MAX_UPLOAD_BYTES), with its
 * type and size in pixels (as displayed, i.e. after EXIF orientation). 404 when the user has no such
 * image or its file is gone.
 */
export async function readImageFile(
  ctx: AppContext,
  userId: string,
  imageId: string,
): Promise<ImageFileInfo & { bytes: Buffer }> {
  const row = await q.findImage(ctx.db, userId, imageId);
  if (!row) throw notFound('Image');
  const file = await ctx.store.get(row.storageKey);
  if (!file) throw notFound('Image file');
  const chunks: Buffer[] = [];
  for await (const chunk of file.stream) chunks.push(Buffer.from(chunk as Buffer));
  return { ...fileInfo(row), bytes: Buffer.concat(chunks) };
}

/**
 * Which of `imageIds` (images of one of the user's projects) have lost their stored original, in the
 * order given: the export checks every file before it writes a byte. Ids of no such image are ignored.
 */
export async function findImagesWithoutFile(
  ctx: AppContext,
  userId: string,
  projectId: string,
  imageIds: readonly string[],
): Promise<string[]> {
  const keys = new Map(
    (await q.findImagesOfProject(ctx.db, userId, projectId)).map((row) => [row.id, row.storageKey]),
  );
  const wanted = imageIds.filter((id) => keys.has(id));
  const present = await settleAll(wanted, FILE_CONCURRENCY * 2, (id) => ctx.store.exists(keys.get(id)!));
  return wanted.filter((_, i) => !present[i]);
}

// --- A project's children: include=images, duplicate, delete; the cover image -------------------------

/**
 * Copies a project's images with their files into the duplicate. The copies' sizes are charged first (the
 * duplicate needs the room: else 403 and nothing is copied); each copied file registers its removal for a
 * rollback before it is written.
 */
async function copyImages(step: DuplicateStep): Promise<void> {
  // The copies are the caller's (step.userId): their storage, their keys; the sources carry their owner's id.
  const { ctx, tx, userId } = step;
  await lockStorage(tx, userId);
  const sources = await q.lockImagesToCopy(tx, step.sourceOwnerId, step.fromProjectId);
  if (sources.length === 0) return;
  await changeStorageUsage(
    ctx,
    tx,
    userId,
    sources.reduce((sum, image) => sum + image.sizeBytes, 0),
  );
  const copies = await settleAll(sources, FILE_CONCURRENCY, async (image) => {
    const storageKey = fileKey('images', userId, image.mimeType);
    const thumbnailKey = variantKey(storageKey, 'thumb', contentTypeForKey(image.thumbnailKey));
    step.onRollback(() => deleteStoredFiles(ctx.store, [storageKey, thumbnailKey], ctx.logger));
    await ctx.store.copy(image.storageKey, storageKey);
    await ctx.store.copy(image.thumbnailKey, thumbnailKey);
    return { image, storageKey, thumbnailKey };
  });
  for (const { image, storageKey, thumbnailKey } of copies) {
    const newId = await q.insertImageCopy(tx, step.sourceOwnerId, image.id, {
      ownerId: userId,
      projectId: step.toProjectId,
      storyId: image.storyId ? (step.idMap.get(image.storyId) ?? null) : null,
      storageKey,
      thumbnailKey,
    });
    step.idMap.set(image.id, newId);
  }
}

/** Images as a project's children: embedded, copied and deleted with it (listed in modules/index.ts). */
export const imagesChild: ProjectChild = {
  name: 'images',
  order: 20,
  load: async (ctx, tx, scope: ProjectScope, limit) =>
    Promise.all(
      (await q.findImagesOfProject(tx, scope.userId, scope.projectId, limit)).map((row) => present(ctx, row)),
    ),
  // The user's row before the source project (see ProjectChild.beforeProjectCopy).
  beforeProjectCopy: (_ctx, tx, scope) => lockStorage(tx, scope.userId),
  copy: copyImages,
  // Runs first of the file-holding children: takes the user's row, then the project (no new child can
  // appear), then the images' rows; releases their sizes in the delete's transaction.
  beforeProjectDelete: async (ctx, tx, scope) => {
    await lockStorage(tx, scope.userId);
    await q.lockProjectForDelete(tx, scope.userId, scope.projectId);
    const files = await q.lockImageFilesOfProject(tx, scope.userId, scope.projectId);
    if (files.length === 0) return;
    await changeStorageUsage(ctx, tx, scope.userId, -files.reduce((sum, f) => sum + f.sizeBytes, 0));
    const keys = files.flatMap((f) => [f.storageKey, f.thumbnailKey]);
    return async () => {
      await settleAll(keys, FILE_CONCURRENCY * 2, (key) => deleteStoredFiles(ctx.store, [key], ctx.logger));
    };
  },
};

/** A project's cover must be one of its own images (the foreign key on (cover_image_id, id) says the same). */
export const imageIsProjectCover: CoverImageCheck = async (tx, scope, imageId) =>
  (await q.findImageProjectId(tx, scope.userId, imageId)) === scope.projectId;
