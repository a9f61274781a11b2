import crypto from 'node:crypto';
import type { Readable } from 'node:stream';

/**
 * Where a stored file's bytes come from: a file on local disk (an upload's temp file), a stream, or a small
 * buffer (a thumbnail). `size` on a stream lets the S3 store send it without spooling it first.
 */
export type PutSource = { path: string } | { stream: Readable; size?: number } | { buffer: Buffer };

/** What a store knows about one stored file. */
export interface StoredFileInfo {
  key: string;
  size: number;
  contentType: string;
  lastModified: Date;
}

/** A stored file opened for reading. The caller must consume or destroy `stream`. */
export interface StoredFileStream extends StoredFileInfo {
  stream: Readable;
}

/** A file as the garbage collector sees it: enough to decide whether it is old enough to collect. */
export interface ListedFile {
  key: string;
  size: number;
  lastModified: Date;
}

/**
 * The one way the code stores file bytes. Two implementations: local disk under `DATA_DIR/files`
 * (`STORAGE_DRIVER=local`) and an S3 bucket (`STORAGE_DRIVER=s3`, also MinIO and other S3-compatible
 * services). Rows in the database point at files by key; the bytes live only here.
 *
 * Keys are made by the server (`fileKey()`), never taken from a request: lower-case `a-z 0-9 . _ -`
 * segments joined by `/`, no segment starting with a dot, ending in the extension of the content type.
 * Every method refuses any other key with `InvalidFileKeyError`, so no client-controlled string can become
 * a path on disk or in the bucket.
 */
export interface FileStore {
  readonly driver: 'local' | 's3';

  /**
   * Stores `source` under `key`, replacing any file there. The write is atomic: a reader (or a crash) never
   * sees a half-written file under the key. `contentType` must match the key's extension
   * (`contentTypeForKey`), so both stores serve a file with the same type.
   */
  put(key: string, source: PutSource, options: { contentType: string }): Promise<StoredFileInfo>;

  /** Opens the file for reading, or null when there is none. */
  get(key: string): Promise<StoredFileStream | null>;

  /** Size, type and time of the file, or null when there is none. */
  stat(key: string): Promise<StoredFileInfo | null>;

  /** Whether a file is stored under `key`. */
  exists(key: string): Promise<boolean>;

  /** Removes the file; removing a file that is not there is not an error. */
  delete(key: string): Promise<void>;

  /**
   * Copies a stored file to a new key (project duplicates own their copies). Throws `FileNotFoundError`
   * when `fromKey` holds no file.
   */
  copy(fromKey: string, toKey: string): Promise<void>;

  /** Every stored file whose key starts with `prefix` (all of them without one), in no particular order. */
  list(prefix?: string): AsyncIterable<ListedFile>;

  /**
   * A short-lived absolute URL a browser can GET the file from (`<img src>`, from any origin):
   * `<PUBLIC_URL>/api/files/<key>?exp=…&sig=…` for the local store (HMAC-signed, served by the file route), a
   * presigned GET URL on `S3_PUBLIC_ENDPOINT` (else `S3_ENDPOINT`, else AWS) for S3. It lives
   * `SIGNED_URL_TTL` seconds unless `ttlS` says otherwise and never contains a path on disk.
   */
  signedUrl(key: string, options?: { ttlS?: number }): Promise<string>;

  /** Releases connections (the S3 client). */
  close(): Promise<void>;
}

export class InvalidFileKeyError extends Error {
  constructor(key: string) {
    super(`Invalid file key: ${JSON.stringify(key.slice(0, 200))}`);
    this.name = 'InvalidFileKeyError';
  }
}

export class FileNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`No stored file under ${key}`);
    this.name = 'FileNotFoundError';
  }
}

const SEGMENT = '[a-z0-9][a-z0-9._-]{0,127}';
/** One to 16 segments; a segment never starts with a dot, so `.` and `..` can never appear. */
export const FILE_KEY_PATTERN = new RegExp(`^${SEGMENT}(?:/${SEGMENT}){0,15}$`);
const MAX_KEY_LENGTH = 512;

/** Throws `InvalidFileKeyError` unless `key` is one the server could have made. */
export function assertFileKey(key: string): void {
  if (typeof key !== 'string' || key.length > MAX_KEY_LENGTH || !FILE_KEY_PATTERN.test(key)) {
    throw new InvalidFileKeyError(String(key));
  }
}

export function isFileKey(key: unknown): key is string {
  return typeof key === 'string' && key.length <= MAX_KEY_LENGTH && FILE_KEY_PATTERN.test(key);
}

/** Content types the stores hold, by key extension. */
const TYPES_BY_EXTENSION: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  webp: 'image/webp',
  pdf: 'application/pdf',
  json: 'application/json',
  zip: 'application/zip',
  bin: 'application/octet-stream',
};
const EXTENSIONS_BY_TYPE: Record<string, string> = Object.fromEntries(
  Object.entries(TYPES_BY_EXTENSION).map(([ext, type]) => [type, ext]),
);

/** The content type a key's extension names (`application/octet-stream` for an unknown one). */
export function contentTypeForKey(key: string): string {
  const ext = /\.([a-z0-9]+)$/.exec(key)?.[1];
  return (ext && TYPES_BY_EXTENSION[ext]) || 'application/octet-stream';
}

/** The extension (without the dot) the stores use for a content type. */
export function extensionFor(contentType: string): string {
  const ext = EXTENSIONS_BY_TYPE[contentType.toLowerCase()];
  if (!ext) throw new Error(`No file extension is defined for ${contentType}`);
  return ext;
}

/** Refuses a content type that the key's extension does not name (both stores must serve the same type). */
export function assertContentTypeMatchesKey(key: string, contentType: string): void {
  if (contentTypeForKey(key) !== contentType.toLowerCase()) {
    throw new Error(`Content type ${contentType} does not match the extension of ${key}`);
  }
}

/**
 * A new, unguessable key: `<namespace>/<ownerId>/<uuid>[-<variant>].<ext>`, e.g.
 * `images/6f1…/0b9….png` and, for the same upload, `images/6f1…/0b9…-thumb.webp` via `variantKey`.
 * Grouping by owner makes "every file of a user" one prefix.
 */
export function fileKey(namespace: string, ownerId: string, contentType: string): string {
  const key = `${namespace}/${ownerId.toLowerCase()}/${crypto.randomUUID()}.${extensionFor(contentType)}`;
  assertFileKey(key);
  return key;
}

/** A sibling of `key` for a derived file: `…/<uuid>.png` + `thumb`, `image/webp` → `…/<uuid>-thumb.webp`. */
export function variantKey(key: string, variant: string, contentType: string): string {
  const derived = `${key.replace(/\.[a-z0-9]+$/, '')}-${variant}.${extensionFor(contentType)}`;
  assertFileKey(derived);
  return derived;
}
