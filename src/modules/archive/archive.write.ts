import crypto from 'node:crypto';
import { pipeline, Transform, type Readable, type TransformCallback } from 'node:stream';
import yazl from 'yazl';
import type { AppContext } from '../../context';
import { fileKey } from '../../storage/file-store';
import { listStoriesOfProject } from '../stories/stories.service';
import { getUser } from '../users/users.service';
import {
  ACCOUNT_PATH,
  ARCHIVE_FORMAT,
  ARCHIVE_FORMAT_VERSION,
  ArchiveAbortedError,
  drawingDataPath,
  drawingPngPath,
  imagePath,
  MANIFEST_PATH,
  projectJsonPath,
  RATINGS_PATH,
  TEMPLATES_PATH,
  type ArchiveCounts,
  type ArchivedProject,
  type Manifest,
  type ManifestEntry,
} from './archive.format';
import * as q from './archive.queries';

export type ArchiveDeps = AppContext;

export interface WriteArchiveOptions {
  /** Called with 0..1 as the files are written (by bytes), and 1 at the end. */
  onProgress?(fraction: number): void;
  /** Aborting stops the archive; nothing is stored and the promise rejects with ArchiveAbortedError. */
  signal?: AbortSignal;
}

export interface WrittenArchive {
  /** The stored ZIP's key in the file store (`archives/<userId>/<uuid>.zip`). */
  key: string;
  sizeBytes: number;
  /** Hex SHA-256 of the whole ZIP. */
  sha256: string;
  counts: ArchiveCounts;
}

/** Counts bytes and hashes them on their way through. */
class Digest extends Transform {
  readonly hash = crypto.createHash('sha256');
  bytes = 0;
  constructor(private readonly onBytes: (n: number) => void = () => undefined) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    this.onBytes(chunk.length);
    done(null, chunk);
  }
}

/** Every entry is dated when the archive was made (ZIP keeps local DOS times; the JSON keeps the real ones). */
class ArchiveZip {
  readonly zip = new yazl.ZipFile();
  /** The ZIP's bytes on their way to the store, hashed. */
  readonly output = new Digest();
  readonly entries: ManifestEntry[] = [];
  private failure: Error | null = null;
  private readonly failed: Promise<never>;
  private fail!: (error: Error) => void;

  constructor(private readonly mtime: Date) {
    this.failed = new Promise<never>((_resolve, reject) => {
      this.fail = (error) => {
        if (!this.failure) this.failure = error;
        reject(this.failure);
      };
    });
    this.failed.catch(() => undefined);
    this.zip.on('error', (error: Error) => this.abort(error));
    // pipeline: a failing ZIP stream fails the output too, so the store's put rejects instead of waiting.
    pipeline(this.zip.outputStream as Readable, this.output, (error) => {
      if (error) this.fail(error);
    });
  }

  /** Stops everything: the output stream fails, so the store keeps nothing. */
  abort(error: Error): void {
    this.fail(error);
    (this.zip.outputStream as Readable).destroy(error);
    this.output.destroy(error);
  }

  check(): void {
    if (this.failure) throw this.failure;
  }

  addJson(path: string, value: unknown): void {
    this.addBytes(path, Buffer.from(JSON.stringify(value, null, 2)));
  }

  /** A small entry already in memory (JSON), deflated. */
  addBytes(path: string, bytes: Buffer): void {
    this.check();
    this.zip.addBuffer(bytes, path, { mtime: this.mtime, compress: true });
    this.entries.push({ path, size: bytes.length, sha256: sha256(bytes) });
  }

  /**
   * Adds an entry read from `open()`'s stream when yazl gets to it, and waits until it is all written
   * (one file open at a time, never a whole file in memory). Null from `open` (the file is gone): nothing
   * is added and the answer is false.
   */
  async addStream(
    path: string,
    open: () => Promise<Readable | null>,
    options: { compress: boolean; onBytes?: (n: number) => void },
  ): Promise<boolean> {
    this.check();
    const source = await Promise.race([open(), this.failed]);
    if (!source) return false;
    const digest = new Digest(options.onBytes);
    source.on('error', (error: Error) => this.abort(error));
    const done = new Promise<void>((resolve, reject) => {
      digest.on('end', resolve);
      digest.on('error', reject);
    });
    this.zip.addReadStreamLazy(path, { mtime: this.mtime, compress: options.compress }, (cb) =>
      cb(null, source.pipe(digest)),
    );
    await Promise.race([done, this.failed]);
    this.entries.push({ path, size: digest.bytes, sha256: digest.hash.digest('hex') });
    return true;
  }
}

const sha256 = (bytes: Buffer) => crypto.createHash('sha256').update(bytes).digest('hex');
const iso = (date: Date) => new Date(date).toISOString();

/**
 * Writes the user's archive (docs/archive.md) into the file store as one ZIP, streamed: the ZIP goes to
 * the store as it is made, each stored file is read from the store as its entry is written, and at most
 * one project's rows (without drawing data, read one drawing at a time) are in memory at once. Each
 * project's rows are read in one transaction (a consistent picture of the project); a file deleted since
 * leaves its image or drawing PNG out of the archive. Holds no password hash, token, session or AI key:
 * the account is the API's User, and nothing is read from sessions, refresh tokens, mail tokens or keys.
 */
export async function writeArchive(
  deps: ArchiveDeps,
  userId: string,
  options: WriteArchiveOptions = {},
): Promise<WrittenArchive> {
  const { signal, onProgress } = options;
  if (signal?.aborted) throw new ArchiveAbortedError();
  const user = await getUser(deps.db, deps.config, userId);
  const createdAt = new Date();
  const archive = new ArchiveZip(createdAt);
  const key = fileKey('archives', userId, 'application/zip');
  const putting = deps.store.put(key, { stream: archive.output }, { contentType: 'application/zip' });
  // A failing store stops the writing; the writing's failure is reported by its own throw.
  putting.catch((error: Error) => archive.abort(error));
  const onAbort = () => archive.abort(new ArchiveAbortedError());
  signal?.addEventListener('abort', onAbort, { once: true });

  const totalFileBytes = Math.max(1, await q.findFileBytes(deps.db, userId));
  let doneBytes = 0;
  const onBytes = (n: number) => {
    doneBytes += n;
    onProgress?.(Math.min(0.99, doneBytes / totalFileBytes));
  };
  const counts: ArchiveCounts = {
    projects: 0,
    versions: 0,
    stories: 0,
    images: 0,
    drawings: 0,
    templates: 0,
    ratings: 0,
  };

  try {
    archive.addJson(ACCOUNT_PATH, { user, exportedAt: createdAt.toISOString() });

    for (const projectId of await q.findOwnedProjectIds(deps.db, userId)) {
      archive.check();
      const rows = await deps.db.transaction(async (tx) => {
        const project = await q.findProjectToArchive(tx, userId, projectId);
        if (!project) return null;
        return {
          project,
          versions: await q.findVersionsToArchive(tx, userId, projectId),
          stories: await listStoriesOfProject(tx, userId, projectId),
          images: await q.findImagesToArchive(tx, userId, projectId),
          drawings: await q.findDrawingsToArchive(tx, userId, projectId),
        };
      });
      if (!rows) continue; // deleted since it was listed

      // The files first: project.json lists only what made it into the archive.
      const images: ArchivedProject['images'] = [];
      for (const image of rows.images) {
        const path = imagePath(projectId, image.id, image.mimeType);
        const added = await archive.addStream(
          path,
          async () => (await deps.store.get(image.storageKey))?.stream ?? null,
          { compress: false, onBytes },
        );
        if (!added) {
          deps.logger.warn('archive: an image file is missing; the image is left out', { imageId: image.id });
          continue;
        }
        const { storageKey: _key, ...fields } = image;
        images.push({
          ...fields,
          createdAt: iso(image.createdAt),
          updatedAt: iso(image.updatedAt),
          file: path,
        });
      }
      const archivedImages = new Set(images.map((image) => image.id));

      const drawings: ArchivedProject['drawings'] = [];
      for (const drawing of rows.drawings) {
        const data = await q.findDrawingData(deps.db, userId, drawing.id);
        if (data === null) continue; // deleted since the project was read
        // jsonb's text form is JSON: written as it comes, not parsed and printed again (up to 5 MB).
        archive.addBytes(drawingDataPath(projectId, drawing.id), Buffer.from(data));
        let png: ArchivedProject['drawings'][number]['png'] = null;
        if (drawing.pngKey) {
          const path = drawingPngPath(projectId, drawing.id);
          const pngKey = drawing.pngKey;
          const added = await archive.addStream(
            path,
            async () => (await deps.store.get(pngKey))?.stream ?? null,
            { compress: false, onBytes },
          );
          if (added) png = { file: path, sizeBytes: archive.entries[archive.entries.length - 1].size };
          else deps.logger.warn('archive: a drawing PNG is missing; left out', { drawingId: drawing.id });
        }
        drawings.push({
          id: drawing.id,
          imageId: drawing.imageId && archivedImages.has(drawing.imageId) ? drawing.imageId : null,
          title: drawing.title,
          width: drawing.width,
          height: drawing.height,
          version: drawing.version,
          createdAt: iso(drawing.createdAt),
          updatedAt: iso(drawing.updatedAt),
          data: drawingDataPath(projectId, drawing.id),
          png,
        });
      }

      const p = rows.project;
      const doc: ArchivedProject = {
        project: {
          id: p.id,
          title: p.title,
          description: p.description,
          category: p.category,
          status: p.status,
          tags: p.tags,
          settings: p.settings,
          coverImageId: p.coverImageId && archivedImages.has(p.coverImageId) ? p.coverImageId : null,
          version: p.version,
          createdAt: iso(p.createdAt),
          updatedAt: iso(p.updatedAt),
        },
        versions: rows.versions.map((v) => ({ ...v, createdAt: iso(v.createdAt) })),
        stories: rows.stories.map((s) => ({
          id: s.id,
          title: s.title,
          content: s.content,
          imagePrompts: s.imagePrompts,
          wordCount: s.wordCount,
          position: s.position,
          metadata: s.metadata,
          version: s.version,
          createdAt: iso(s.createdAt),
          updatedAt: iso(s.updatedAt),
        })),
        images,
        drawings,
      };
      archive.addJson(projectJsonPath(projectId), doc);
      counts.projects += 1;
      counts.versions += doc.versions.length;
      counts.stories += doc.stories.length;
      counts.images += images.length;
      counts.drawings += drawings.length;
    }

    const templates = await q.findTemplatesToArchive(deps.db, userId);
    archive.addJson(TEMPLATES_PATH, { templates });
    counts.templates = templates.length;
    const ratings = await q.findRatingsToArchive(deps.db, userId);
    archive.addJson(RATINGS_PATH, { ratings });
    counts.ratings = ratings.length;

    // Last: it lists every entry above with its size and SHA-256.
    const manifest: Manifest = {
      format: ARCHIVE_FORMAT,
      formatVersion: ARCHIVE_FORMAT_VERSION,
      createdAt: createdAt.toISOString(),
      counts,
      entries: archive.entries,
    };
    archive.addJson(MANIFEST_PATH, manifest);
    archive.zip.end();
    const stored = await putting;
    archive.check();
    onProgress?.(1);
    return { key, sizeBytes: stored.size, sha256: archive.output.hash.digest('hex'), counts };
  } catch (error) {
    archive.abort(error instanceof Error ? error : new Error(String(error)));
    await putting.catch(() => undefined);
    // A put that completed before the failure was noticed: nothing may stay behind.
    await deps.store.delete(key).catch(() => undefined);
    if (signal?.aborted) throw new ArchiveAbortedError();
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
