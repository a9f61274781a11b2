import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileTypeFromBuffer, fileTypeFromFile } from 'file-type';
import yauzl from 'yauzl';
import type { AppContext } from '../../context';
import type { Database } from '../../db/database';
import { AppError } from '../../http/errors';
import {
  deleteStoredFiles,
  inspectImageFile,
  sanitizeFilename,
  storeUploadedImage,
} from '../../http/uploads';
import { fileKey } from '../../storage/file-store';
import { storagePaths } from '../../storage/index';
import { recordEvent } from '../analytics/analytics.service';
import { DRAWING_LIMITS } from '../drawings/drawings.schemas';
import {
  assertStorageAvailable,
  changeStorageUsage,
  withinStorageLimit,
} from '../storage-usage/storage-usage.service';
import { countWords } from '../stories/stories.service';
import {
  ARCHIVE_FORMAT,
  ARCHIVE_FORMAT_VERSION,
  drawingDataPath,
  drawingPngPath,
  ENTRY_PATTERN,
  imagePath,
  ImportError,
  MANIFEST_PATH,
  MAX_ARCHIVE_ENTRIES,
  MAX_DRAWING_DATA_BYTES,
  MAX_JSON_BYTES,
  MAX_MANIFEST_BYTES,
  MAX_UNPACKED_FACTOR,
  projectJsonPath,
  type ArchivedProject,
  type Manifest,
  type ManifestEntry,
} from './archive.format';
import * as q from './archive.queries';
import { ArchivedProjectSchema, ManifestSchema } from './archive.schemas';

export interface ImportArchiveOptions {
  /** Called with 0..1 by the bytes read: checking the archive is the first 30 %, importing its projects the rest. */
  onProgress?(fraction: number): void;
  /** Aborting stops the import: the project being imported is rolled back (ImportError ABORTED). */
  signal?: AbortSignal;
  /** The upload limit (MAX_UPLOAD_BYTES): the archive may unpack to at most 20× this. */
  maxUploadBytes: number;
  /**
   * Archived project ids already imported by an earlier attempt of the same import: skipped (and counted as
   * imported), so a retried import job never imports a project twice.
   */
  skip?: ReadonlySet<string>;
  /**
   * Called inside each project's transaction, after its rows are written: whatever it writes commits (or
   * rolls back) with the project, e.g. the job's record of the archived ids done.
   */
  onProjectImported?(tx: Database, archivedId: string, projectId: string): Promise<void>;
}

export interface ImportResult {
  projectsImported: number;
}

const CHECK_SHARE = 0.3;

/** How many bytes a file type sniff needs (file-type reads at most this much of a file's start). */
const SNIFF_BYTES = 4100;

const fail = (code: ImportError['code'], message: string, cause?: unknown) =>
  new ImportError(code, message, 0, { cause });

// --- Reading the ZIP --------------------------------------------------------------------------------------

/** Entry names are bytes in a ZIP: UTF-8 when flagged, else they must be plain ASCII. */
function entryName(entry: yauzl.Entry): string {
  const raw = entry.fileNameRaw;
  const utf8 = (entry.generalPurposeBitFlag & 0x800) !== 0;
  if (!utf8 && raw.some((byte) => byte > 0x7e)) {
    throw fail('UNSAFE_PATH', 'An entry name is neither UTF-8 nor ASCII');
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch (error) {
    throw fail('UNSAFE_PATH', 'An entry name is not valid UTF-8', error);
  }
}

/** Zip-slip: a name that could point outside a folder it were unpacked into is refused outright. */
function assertSafeName(name: string): void {
  const shown = JSON.stringify(name.slice(0, 200));
  if (
    name.length === 0 ||
    name.includes('\\') ||
    name.includes('\0') ||
    name.startsWith('/') ||
    /^[a-zA-Z]:/.test(name) ||
    name.split('/').some((segment) => segment === '..' || segment === '.')
  ) {
    throw fail(
      'UNSAFE_PATH',
      `The entry ${shown} points outside the archive (zip-slip); nothing was imported`,
    );
  }
  if (!ENTRY_PATTERN.test(name)) {
    throw fail('INVALID_ARCHIVE', `The entry ${shown} is not part of a ColorBook archive`);
  }
}

/** Counts the bytes as they inflate and hashes them; refuses more than `limit` (headers can lie). */
class Inflated extends Transform {
  readonly hash = crypto.createHash('sha256');
  bytes = 0;
  head = Buffer.alloc(0);
  constructor(
    private readonly limit: number,
    private readonly overLimit: () => ImportError,
    private readonly budget: { left: number },
  ) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    this.budget.left -= chunk.length;
    if (this.bytes > this.limit || this.budget.left < 0) return done(this.overLimit());
    if (this.head.length < SNIFF_BYTES) {
      this.head = Buffer.concat([this.head, chunk.subarray(0, SNIFF_BYTES - this.head.length)]);
    }
    this.hash.update(chunk);
    done(null, chunk);
  }
}

/** What yauzl's stream errors mean for the import. */
function readError(name: string, error: unknown): ImportError {
  if (error instanceof ImportError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/too many bytes/i.test(message)) {
    return fail('ZIP_BOMB', `The entry ${name} unpacks to more bytes than it declares`, error);
  }
  return fail('INVALID_ARCHIVE', `The entry ${name} could not be read: ${message}`, error);
}

interface Zip {
  file: yauzl.ZipFile;
  entries: Map<string, yauzl.Entry>;
  /** Bytes that may still be inflated, for the whole import (both passes read every entry at most once each). */
  budget: { left: number };
  /** Called with the bytes of each entry read to its end (progress). */
  onRead(bytes: number): void;
}

/**
 * Reads one entry through `sink` (a writable, or nothing to just hash it), counting and hashing the bytes.
 * `expected` is the manifest's size and SHA-256: more bytes than it says stop the read (ZIP bomb); another
 * size or hash is MANIFEST_MISMATCH.
 */
async function readEntry(
  zip: Zip,
  name: string,
  expected: { size: number; sha256: string | null },
  sink?: NodeJS.WritableStream | ((source: Readable) => Promise<void>),
): Promise<{ head: Buffer }> {
  const entry = zip.entries.get(name)!;
  const counter = new Inflated(
    expected.size,
    () => fail('ZIP_BOMB', `The entry ${name} unpacks to more bytes than the manifest says`),
    zip.budget,
  );
  try {
    const stream = await zip.file.openReadStreamPromise(entry);
    if (typeof sink === 'function') {
      await Promise.all([pipeline(stream, counter), sink(counter)]);
    } else if (sink) {
      await pipeline(stream, counter, sink);
    } else {
      counter.resume();
      await pipeline(stream, counter);
    }
  } catch (error) {
    counter.destroy();
    throw readError(name, error);
  }
  zip.onRead(counter.bytes);
  const sha256 = counter.hash.digest('hex');
  if (counter.bytes !== expected.size || (expected.sha256 !== null && sha256 !== expected.sha256)) {
    throw fail('MANIFEST_MISMATCH', `The entry ${name} is not the file the manifest lists (size or SHA-256)`);
  }
  return { head: counter.head };
}

/** Reads a JSON entry of at most `maxBytes` into memory and parses it. */
async function readJson(zip: Zip, name: string, expected: ManifestEntry, maxBytes: number): Promise<unknown> {
  if (expected.size > maxBytes) {
    throw fail('INVALID_ARCHIVE', `The entry ${name} is larger than such a file may be (${maxBytes} bytes)`);
  }
  const chunks: Buffer[] = [];
  await readEntry(zip, name, expected, async (source) => {
    for await (const chunk of source) chunks.push(chunk as Buffer);
  });
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch (error) {
    throw fail('INVALID_ARCHIVE', `The entry ${name} is not valid JSON`, error);
  }
}

async function openZip(zipPath: string, maxUploadBytes: number): Promise<Zip> {
  let file: yauzl.ZipFile;
  try {
    file = await yauzl.openPromise(zipPath, {
      lazyEntries: true,
      autoClose: false,
      // Names are checked here (assertSafeName), on the raw bytes, with the import's own error codes.
      decodeStrings: false,
      validateEntrySizes: true,
    });
  } catch (error) {
    throw fail('NOT_A_ZIP', 'The file is not a ZIP archive', error);
  }
  const maxUnpacked = MAX_UNPACKED_FACTOR * maxUploadBytes;
  try {
    if (file.entryCount > MAX_ARCHIVE_ENTRIES) {
      throw fail(
        'ZIP_BOMB',
        `The archive has ${file.entryCount} entries; at most ${MAX_ARCHIVE_ENTRIES} are accepted`,
      );
    }
    const entries = new Map<string, yauzl.Entry>();
    let declared = 0;
    try {
      for await (const entry of file.eachEntry()) {
        const name = entryName(entry);
        assertSafeName(name);
        if (entries.has(name)) throw fail('INVALID_ARCHIVE', `The entry ${name} appears twice`);
        if (entry.isEncrypted() || !entry.canDecodeFileData()) {
          throw fail('INVALID_ARCHIVE', `The entry ${name} is encrypted or compressed in an unknown way`);
        }
        declared += entry.uncompressedSize;
        if (declared > maxUnpacked) {
          throw fail(
            'ZIP_BOMB',
            `The archive unpacks to more than ${maxUnpacked} bytes (${MAX_UNPACKED_FACTOR}× the upload limit)`,
          );
        }
        entries.set(name, entry);
      }
    } catch (error) {
      if (error instanceof ImportError) throw error;
      throw fail('NOT_A_ZIP', 'The ZIP archive is damaged', error);
    }
    return { file, entries, budget: { left: maxUnpacked }, onRead: () => undefined };
  } catch (error) {
    file.close();
    throw error;
  }
}

// --- Checking the whole archive first ----------------------------------------------------------------------

interface CheckedArchive {
  manifest: Map<string, ManifestEntry>;
  /** The archived projects' ids, in the order their project.json entries come. */
  projectIds: string[];
  /** Bytes of the stored files each project brings (originals and drawing PNGs). */
  fileBytes: Map<string, number>;
}

function assertManifestFormat(value: unknown): Manifest {
  const m = value as Partial<Manifest> | null;
  if (typeof m !== 'object' || m === null || m.format !== ARCHIVE_FORMAT) {
    throw fail('UNSUPPORTED_FORMAT_VERSION', 'manifest.json does not describe a ColorBook archive');
  }
  if (m.formatVersion !== ARCHIVE_FORMAT_VERSION) {
    throw fail(
      'UNSUPPORTED_FORMAT_VERSION',
      `The archive's format version is ${JSON.stringify(m.formatVersion ?? null)}; this server reads version ${ARCHIVE_FORMAT_VERSION}`,
    );
  }
  const { error, value: manifest } = ManifestSchema.validate(value, { convert: false });
  if (error) throw fail('INVALID_ARCHIVE', `manifest.json is not valid: ${error.message}`);
  return manifest;
}

function parseProject(value: unknown, name: string): ArchivedProject {
  const { error, value: doc } = ArchivedProjectSchema.validate(value);
  if (error) throw fail('INVALID_ARCHIVE', `${name} is not valid: ${error.message}`);
  return doc;
}

/**
 * The references inside one project.json: every id unique, a story, image or cover one of the project's own,
 * each file where the format puts it and listed in the manifest with the size project.json says. Answers
 * the entries the project owns, which the caller checks against the ZIP's.
 */
function checkProjectReferences(
  doc: ArchivedProject,
  folderId: string,
  manifest: Map<string, ManifestEntry>,
): { files: Set<string>; fileBytes: number } {
  const name = projectJsonPath(folderId);
  const bad = (detail: string) => fail('INVALID_ARCHIVE', `${name}: ${detail}`);
  if (doc.project.id !== folderId) throw bad('the project id is not its folder');
  const ids = new Set<string>([doc.project.id]);
  const unique = (id: string) => {
    if (ids.has(id)) throw bad(`the id ${id} appears twice`);
    ids.add(id);
  };
  const stories = new Set(doc.stories.map((s) => s.id));
  doc.stories.forEach((s) => unique(s.id));
  const images = new Set(doc.images.map((i) => i.id));
  const files = new Set<string>([name]);
  let fileBytes = 0;
  const listed = (file: string, what: string) => {
    const entry = manifest.get(file);
    if (!entry) throw fail('MANIFEST_MISMATCH', `${name}: ${what} ${file} is not in the manifest`);
    files.add(file);
    return entry;
  };
  for (const image of doc.images) {
    unique(image.id);
    if (image.storyId !== null && !stories.has(image.storyId)) throw bad(`image ${image.id}: unknown story`);
    if (image.file !== imagePath(folderId, image.id, image.mimeType))
      throw bad(`image ${image.id}: wrong file`);
    const entry = listed(image.file, 'the image file');
    if (entry.size !== image.sizeBytes || entry.sha256 !== image.sha256) {
      throw fail('MANIFEST_MISMATCH', `${name}: image ${image.id} is not the file the manifest lists`);
    }
    fileBytes += image.sizeBytes;
  }
  for (const drawing of doc.drawings) {
    unique(drawing.id);
    if (drawing.imageId !== null && !images.has(drawing.imageId)) {
      throw bad(`drawing ${drawing.id}: unknown image`);
    }
    if (drawing.data !== drawingDataPath(folderId, drawing.id))
      throw bad(`drawing ${drawing.id}: wrong data file`);
    listed(drawing.data, 'the drawing data');
    if (drawing.png) {
      if (drawing.png.file !== drawingPngPath(folderId, drawing.id)) {
        throw bad(`drawing ${drawing.id}: wrong PNG file`);
      }
      const entry = listed(drawing.png.file, 'the drawing PNG');
      if (entry.size !== drawing.png.sizeBytes) {
        throw fail(
          'MANIFEST_MISMATCH',
          `${name}: drawing ${drawing.id}'s PNG is not the size the manifest lists`,
        );
      }
      fileBytes += drawing.png.sizeBytes;
    }
  }
  if (doc.project.coverImageId !== null && !images.has(doc.project.coverImageId)) {
    throw bad('the cover is none of its images');
  }
  // The history the versions routes read: unique numbers, the current one among them, none after it.
  const versions = new Set(doc.versions.map((v) => v.version));
  if (versions.size !== doc.versions.length) throw bad('a version number appears twice');
  if (!versions.has(doc.project.version) || Math.max(...versions) !== doc.project.version) {
    throw bad("its history does not end at the project's version");
  }
  return { files, fileBytes };
}

/** Checks a drawing's data: JSON of an object or array, within the drawings' 5 MB. */
async function checkDrawingData(zip: Zip, name: string, entry: ManifestEntry): Promise<string> {
  const data = await readJson(zip, name, entry, MAX_DRAWING_DATA_BYTES);
  if (typeof data !== 'object' || data === null) {
    throw fail('INVALID_ARCHIVE', `${name} is not a JSON object or array`);
  }
  const json = JSON.stringify(data);
  if (Buffer.byteLength(json) > DRAWING_LIMITS.dataBytes) {
    throw fail('INVALID_ARCHIVE', `${name} is larger than a drawing's ${DRAWING_LIMITS.dataBytes} bytes`);
  }
  return json;
}

const TYPE_OF_EXTENSION: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', webp: 'image/webp' };

/**
 * Pass 1, before anything is written: the manifest (format version, shape), the ZIP's entries against it
 * (none missing, none extra), every entry's bytes (size and SHA-256 as listed, image types by their bytes),
 * every project.json (shape, references, files) and drawing data (JSON within its limit).
 */
async function checkArchive(zip: Zip, signal: AbortSignal | undefined): Promise<CheckedArchive> {
  const manifestEntry = zip.entries.get(MANIFEST_PATH);
  if (!manifestEntry) {
    throw fail('UNSUPPORTED_FORMAT_VERSION', 'The ZIP has no manifest.json: it is not a ColorBook archive');
  }
  if (manifestEntry.uncompressedSize > MAX_MANIFEST_BYTES) {
    throw fail('INVALID_ARCHIVE', `manifest.json is larger than ${MAX_MANIFEST_BYTES} bytes`);
  }
  // The manifest cannot list its own hash: it is read by its declared size (bounded above) alone.
  const manifestBytes: Buffer[] = [];
  await readEntry(
    zip,
    MANIFEST_PATH,
    { size: manifestEntry.uncompressedSize, sha256: null },
    async (source) => {
      for await (const chunk of source) manifestBytes.push(chunk as Buffer);
    },
  );
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(manifestBytes).toString('utf8'));
  } catch (error) {
    throw fail('INVALID_ARCHIVE', 'manifest.json is not valid JSON', error);
  }
  const m = assertManifestFormat(parsed);

  const manifest = new Map<string, ManifestEntry>();
  for (const entry of m.entries) {
    if (entry.path === MANIFEST_PATH || manifest.has(entry.path)) {
      throw fail('MANIFEST_MISMATCH', `The manifest lists ${entry.path} twice`);
    }
    manifest.set(entry.path, entry);
    const inZip = zip.entries.get(entry.path);
    if (!inZip)
      throw fail('MANIFEST_MISMATCH', `The manifest lists ${entry.path}, which the ZIP does not hold`);
    if (inZip.uncompressedSize !== entry.size) {
      throw fail('MANIFEST_MISMATCH', `The ZIP's ${entry.path} is not the size the manifest lists`);
    }
  }
  for (const name of zip.entries.keys()) {
    if (name !== MANIFEST_PATH && !manifest.has(name)) {
      throw fail('MANIFEST_MISMATCH', `The ZIP holds ${name}, which the manifest does not list`);
    }
  }

  const projectIds: string[] = [];
  const fileBytes = new Map<string, number>();
  const owned = new Set<string>();
  const counts = { projects: 0, versions: 0, stories: 0, images: 0, drawings: 0 };
  // In the ZIP's order: the file is read front to back.
  const inOrder = [...manifest.values()].sort(
    (a, b) =>
      zip.entries.get(a.path)!.relativeOffsetOfLocalHeader -
      zip.entries.get(b.path)!.relativeOffsetOfLocalHeader,
  );
  for (const entry of inOrder) {
    if (signal?.aborted) throw fail('ABORTED', 'The import was cancelled; nothing was imported');
    const match = ENTRY_PATTERN.exec(entry.path)!;
    const folderId = match[1];
    if (entry.path.endsWith('/project.json')) {
      const doc = parseProject(await readJson(zip, entry.path, entry, MAX_JSON_BYTES), entry.path);
      const refs = checkProjectReferences(doc, folderId, manifest);
      refs.files.forEach((file) => owned.add(file));
      projectIds.push(folderId);
      fileBytes.set(folderId, refs.fileBytes);
      counts.projects += 1;
      counts.versions += doc.versions.length;
      counts.stories += doc.stories.length;
      counts.images += doc.images.length;
      counts.drawings += doc.drawings.length;
    } else if (folderId && entry.path.endsWith('.json')) {
      await checkDrawingData(zip, entry.path, entry);
    } else if (folderId) {
      const { head } = await readEntry(zip, entry.path, entry);
      const expected = TYPE_OF_EXTENSION[path.extname(entry.path).slice(1)];
      const detected = (await fileTypeFromBuffer(head))?.mime;
      if (detected !== expected) {
        throw fail(
          'FILE_TYPE_MISMATCH',
          `The bytes of ${entry.path} are not ${expected} (${detected ?? 'unknown'})`,
        );
      }
    } else {
      await readEntry(zip, entry.path, entry);
    }
  }
  for (const name of manifest.keys()) {
    if (name.startsWith('projects/') && !owned.has(name)) {
      throw fail('INVALID_ARCHIVE', `${name} belongs to no project.json`);
    }
  }
  for (const key of Object.keys(counts) as Array<keyof typeof counts>) {
    if (counts[key] !== m.counts[key]) {
      throw fail(
        'MANIFEST_MISMATCH',
        `The manifest counts ${m.counts[key]} ${key}; the archive holds ${counts[key]}`,
      );
    }
  }
  return { manifest, projectIds, fileBytes };
}

// --- Importing one project -------------------------------------------------------------------------------

/** Unpacks an entry into a new temp file (hash-checked on the way); the caller removes it. */
async function extract(zip: Zip, name: string, entry: ManifestEntry, dir: string): Promise<string> {
  const file = path.join(dir, `${crypto.randomUUID()}.import`);
  try {
    await readEntry(zip, name, entry, fs.createWriteStream(file, { flags: 'wx' }));
  } catch (error) {
    await fsp.rm(file, { force: true });
    throw error;
  }
  return file;
}

/** What a failure inside a project's import means for the job. */
function projectError(error: unknown, title: string): unknown {
  if (error instanceof ImportError) return error;
  if (error instanceof AppError) {
    if (error.code === 'STORAGE_QUOTA_EXCEEDED') {
      return fail(
        'STORAGE_QUOTA_EXCEEDED',
        `The project "${title}" does not fit in your storage: ${error.message}`,
      );
    }
    if (error.code === 'UNSUPPORTED_MEDIA_TYPE' || error.code === 'VALIDATION_ERROR') {
      return fail('FILE_TYPE_MISMATCH', `An image of the project "${title}" is not usable: ${error.message}`);
    }
  }
  // A CHECK or key the archive's rows break (class 22: data exception, 23: integrity constraint).
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^2[23]/.test(code)) {
    return fail(
      'INVALID_ARCHIVE',
      `The project "${title}" could not be imported: ${(error as Error).message}`,
    );
  }
  return error;
}

/** An imported image's stored files and what decoding it told. */
interface StoredImage {
  key: string;
  thumbnailKey: string;
  width: number;
  height: number;
  originalFilename: string | null;
}

/** Re-points a version snapshot's cover to the imported image (or none). */
function remapSnapshot(snapshot: Record<string, unknown>, ids: Map<string, string>): Record<string, unknown> {
  if (!('coverImageId' in snapshot)) return snapshot;
  const cover = snapshot.coverImageId;
  return { ...snapshot, coverImageId: typeof cover === 'string' ? (ids.get(cover) ?? null) : null };
}

/**
 * Pass 2 for one project, all or nothing: its files go into the store first (each original re-judged by
 * its bytes and decoded for its thumbnail, as an upload is), then one transaction writes every row with new
 * ids within the storage limit. Any failure deletes the files this project stored; the transaction's
 * rollback takes the rows.
 */
async function importProject(
  ctx: AppContext,
  zip: Zip,
  checked: CheckedArchive,
  userId: string,
  archivedId: string,
  tempDir: string,
  signal: AbortSignal | undefined,
  onImported: ImportArchiveOptions['onProjectImported'],
): Promise<void> {
  const jsonPath = projectJsonPath(archivedId);
  const doc = parseProject(
    await readJson(zip, jsonPath, checked.manifest.get(jsonPath)!, MAX_JSON_BYTES),
    jsonPath,
  );
  const aborted = () => {
    if (signal?.aborted)
      throw fail('ABORTED', `The import was cancelled during the project "${doc.project.title}"`);
  };
  const stored: string[] = [];
  const temps: string[] = [];
  try {
    // A cheap check before any byte is stored; the transaction's is the guarantee.
    await assertStorageAvailable(ctx, userId, checked.fileBytes.get(archivedId) ?? 0);

    const images = new Map<string, StoredImage>();
    for (const image of doc.images) {
      aborted();
      const file = await extract(zip, image.file, checked.manifest.get(image.file)!, tempDir);
      temps.push(file);
      const thumbnailPath = `${file}.thumb`;
      temps.push(thumbnailPath);
      const upload = await inspectImageFile(
        {
          path: file,
          // Shown to clients as a name: reduced as an upload's is.
          originalFilename: sanitizeFilename(image.originalFilename ?? undefined),
          size: image.sizeBytes,
          sha256: image.sha256,
        },
        [image.mimeType],
        thumbnailPath,
      );
      const keys = await storeUploadedImage(ctx.store, upload, { namespace: 'images', ownerId: userId });
      stored.push(keys.key, keys.thumbnailKey);
      images.set(image.id, {
        ...keys,
        width: upload.width,
        height: upload.height,
        originalFilename: upload.originalFilename,
      });
    }
    const pngs = new Map<string, string>();
    for (const drawing of doc.drawings) {
      if (!drawing.png) continue;
      aborted();
      const file = await extract(zip, drawing.png.file, checked.manifest.get(drawing.png.file)!, tempDir);
      temps.push(file);
      if ((await fileTypeFromFile(file))?.mime !== 'image/png') {
        throw fail('FILE_TYPE_MISMATCH', `The bytes of ${drawing.png.file} are not image/png`);
      }
      const key = fileKey('drawings', userId, 'image/png');
      stored.push(key);
      await ctx.store.put(key, { path: file }, { contentType: 'image/png' });
      pngs.set(drawing.id, key);
    }
    aborted();

    await ctx.db.transaction((tx) =>
      withinStorageLimit(ctx, tx, userId, async () => {
        const projectId = await insertProjectRows(ctx, tx, zip, checked, userId, doc, images, pngs, aborted);
        await onImported?.(tx, archivedId, projectId);
      }),
    );
  } catch (error) {
    await deleteStoredFiles(ctx.store, stored, ctx.logger);
    throw projectError(error, doc.project.title);
  } finally {
    await Promise.all(temps.map((file) => fsp.rm(file, { force: true })));
  }
}

async function insertProjectRows(
  ctx: AppContext,
  tx: Database,
  zip: Zip,
  checked: CheckedArchive,
  userId: string,
  doc: ArchivedProject,
  images: Map<string, StoredImage>,
  pngs: Map<string, string>,
  aborted: () => void,
): Promise<string> {
  const ids = new Map<string, string>();
  const p = doc.project;
  const projectId = await q.insertImportedProject(tx, userId, p);
  ids.set(p.id, projectId);
  for (const story of doc.stories) {
    ids.set(
      story.id,
      await q.insertImportedStory(tx, userId, projectId, { ...story, wordCount: countWords(story.content) }),
    );
  }
  let fileBytes = 0;
  for (const image of doc.images) {
    const file = images.get(image.id)!;
    ids.set(
      image.id,
      await q.insertImportedImage(tx, userId, projectId, {
        ...image,
        originalFilename: file.originalFilename,
        storyId: image.storyId ? ids.get(image.storyId)! : null,
        width: file.width,
        height: file.height,
        storageKey: file.key,
        thumbnailKey: file.thumbnailKey,
      }),
    );
    fileBytes += image.sizeBytes;
  }
  for (const drawing of doc.drawings) {
    aborted();
    const dataJson = await checkDrawingData(zip, drawing.data, checked.manifest.get(drawing.data)!);
    const pngKey = pngs.get(drawing.id);
    ids.set(
      drawing.id,
      await q.insertImportedDrawing(tx, userId, projectId, {
        ...drawing,
        imageId: drawing.imageId ? ids.get(drawing.imageId)! : null,
        dataJson,
        png: pngKey && drawing.png ? { key: pngKey, sizeBytes: drawing.png.sizeBytes } : null,
      }),
    );
    if (drawing.png) fileBytes += drawing.png.sizeBytes;
  }
  if (p.coverImageId) await q.setImportedCover(tx, userId, projectId, ids.get(p.coverImageId)!);
  for (const version of doc.versions) {
    await q.insertImportedVersion(tx, userId, projectId, {
      ...version,
      snapshot: remapSnapshot(version.snapshot, ids),
    });
  }
  await changeStorageUsage(ctx, tx, userId, fileBytes);
  await recordEvent(tx, {
    userId,
    type: 'project.created',
    projectId,
    properties: { imported: true },
  });
  return projectId;
}

// --- The import ----------------------------------------------------------------------------------------------

/**
 * Imports an archive made by `writeArchive` (docs/archive.md) into the caller's account: each archived
 * project becomes a new project of the caller, with new ids for it and its stories, images, drawings (and
 * the references between them re-pointed), its versions and times kept.
 *
 * The whole archive is checked first, before anything is written (pass 1: format version, entry names,
 * ZIP bomb limits, every entry against the manifest, every file's type by its bytes, every project.json);
 * a refusal there keeps nothing. Then each project is imported all or nothing (pass 2), in archive order; a
 * project that fails (storage limit, an image that does not decode, cancellation) keeps nothing of itself
 * and stops the import, and the projects imported before it stay (`ImportError.projectsImported`).
 * Throws ImportError with a code and a message for the job's `error`; anything else is a server fault.
 */
export async function importArchive(
  ctx: AppContext,
  userId: string,
  zipPath: string,
  options: ImportArchiveOptions,
): Promise<ImportResult> {
  const { signal, onProgress } = options;
  const progress = (fraction: number) => onProgress?.(Math.min(1, fraction));
  if (signal?.aborted) throw fail('ABORTED', 'The import was cancelled; nothing was imported');
  const zip = await openZip(zipPath, options.maxUploadBytes);
  // Progress by the bytes read: pass 1 reads every entry (its share CHECK_SHARE), pass 2 the projects' ones.
  let pass = { from: 0, share: CHECK_SHARE, total: 0, read: 0 };
  for (const entry of zip.entries.values()) pass.total += entry.uncompressedSize;
  zip.onRead = (bytes) => {
    pass.read += bytes;
    progress(pass.from + pass.share * Math.min(1, pass.read / Math.max(1, pass.total)));
  };
  let imported = 0;
  try {
    const checked = await checkArchive(zip, signal);
    pass = { from: CHECK_SHARE, share: 1 - CHECK_SHARE, total: 0, read: 0 };
    for (const entry of checked.manifest.values()) {
      if (entry.path.startsWith('projects/')) pass.total += entry.size;
    }
    // Pass 2 reads those entries once more: the check's budget starts again.
    zip.budget.left = MAX_UNPACKED_FACTOR * options.maxUploadBytes;
    const tempDir = storagePaths(ctx.config).uploads;
    await fsp.mkdir(tempDir, { recursive: true });
    for (const archivedId of checked.projectIds) {
      if (signal?.aborted) throw fail('ABORTED', 'The import was cancelled');
      if (!options.skip?.has(archivedId)) {
        await importProject(
          ctx,
          zip,
          checked,
          userId,
          archivedId,
          tempDir,
          signal,
          options.onProjectImported,
        );
      }
      imported += 1;
    }
    progress(1);
    return { projectsImported: imported };
  } catch (error) {
    if (error instanceof ImportError) throw error.withProjectsImported(imported);
    throw error;
  } finally {
    zip.file.close();
  }
}
