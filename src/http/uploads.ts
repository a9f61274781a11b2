import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline, Transform } from 'node:stream';
import express, { type Request, type RequestHandler, type Response } from 'express';
import { fileTypeFromFile } from 'file-type';
import type Joi from 'joi';
import multer from 'multer';
import sharp from 'sharp';
import type { Config } from '../config';
import {
  AppError,
  appError,
  payloadTooLarge,
  type FieldError,
  unsupportedMediaType,
  validationError,
} from './errors';
import type { Logger } from '../lib/logger';
import { Semaphore } from '../lib/semaphore';
import { fileKey, variantKey, type FileStore } from '../storage/file-store';
import { storagePaths } from '../storage/index';
import { trackTempFile } from '../storage/temp-files';

export type ImageType = 'image/png' | 'image/jpeg' | 'image/webp';

/** What the API accepts, decided by the file's bytes. */
export const IMAGE_TYPES: readonly ImageType[] = ['image/png', 'image/jpeg', 'image/webp'];

/** Larger images are refused (400) before they are decoded: 100 megapixels. */
export const MAX_IMAGE_PIXELS = 100_000_000;

/** The thumbnail's long side at most. */
export const THUMBNAIL_MAX_SIDE = 512;

const JSON_TYPES = ['application/json', 'application/*+json'];
const NAMES: Record<ImageType, string> = { 'image/png': 'PNG', 'image/jpeg': 'JPEG', 'image/webp': 'WebP' };
/** sharp's decoder name for each accepted type. */
const SHARP_FORMATS: Record<ImageType, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/webp': 'webp',
};

/**
 * At most one decode per core at once: libvips already spreads one image over threads, and queueing the
 * rest bounds the memory a burst of uploads can take.
 */
const decodeGate = new Semaphore(Math.max(1, os.availableParallelism()));

/** An upload that passed every check, waiting in temp files until the response is sent. */
export interface UploadedImage {
  /** Temp file holding the upload; removed when the response goes out. Store it with `storeUploadedImage`. */
  path: string;
  /** The client's file name, reduced to a safe display name (never used as a path); null when none. */
  originalFilename: string | null;
  /** From the bytes, not from the name or the client's Content-Type. */
  mimeType: ImageType;
  sizeBytes: number;
  /** Hex SHA-256 of the bytes, computed while they arrived. */
  sha256: string;
  /** As displayed, i.e. after the EXIF orientation. */
  width: number;
  height: number;
  thumbnail: {
    path: string;
    mimeType: 'image/webp';
    width: number;
    height: number;
    sizeBytes: number;
  };
}

export interface ImageUploadOptions {
  /** The multipart file field (default `file`). */
  field?: string;
  /** Whether a request without the file is a 400 (default true). */
  required?: boolean;
  /** Accepted types (default PNG, JPEG and WebP); drawings take `['image/png']`. */
  types?: readonly ImageType[];
  /** Larger files → 413 (default `MAX_UPLOAD_BYTES`). */
  maxFileBytes?: number;
  /** Larger text fields → 413 (default 64 KB; a drawing's `data` needs more). */
  maxFieldBytes?: number;
  /** More text fields → 400 (default 20). */
  maxFields?: number;
  /**
   * The route's body schema: text fields it declares as numbers, booleans, objects, arrays or alternatives
   * are parsed as JSON values before validation (`position: "3"` → 3, `metadata: "{…}"` → an object).
   */
  body?: Joi.ObjectSchema;
  /** Also accept a JSON body up to this many bytes, with no file (drawings' JSON form). */
  jsonLimitBytes?: number;
}

/** The accepted upload of this request, once `imageUpload` has run; undefined when none was sent. */
export function uploadedImage(res: Response): UploadedImage | undefined {
  return res.locals.upload as UploadedImage | undefined;
}

/** A client's file name as something safe to show: the last path segment, no control characters. */
export function sanitizeFilename(name: string | undefined): string | null {
  if (!name) return null;
  const base = name.split(/[/\\]/).pop() ?? '';
  const clean = base
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .trim()
    .slice(0, 255);
  return clean && clean !== '.' && clean !== '..' ? clean : null;
}

type ReceivedFile = Express.Multer.File & { sha256: string };

/**
 * multer storage engine: streams a file part into a temp file of a random name under the uploads folder,
 * hashing and counting the bytes as they pass. Nothing is held in memory beyond stream buffers, and the
 * client's file name never reaches the file system.
 */
class TempFileStorage implements multer.StorageEngine {
  private ready: Promise<unknown> | undefined;

  constructor(private readonly dir: string) {}

  _handleFile(
    req: Request,
    file: Express.Multer.File,
    callback: (error?: unknown, info?: Partial<ReceivedFile>) => void,
  ): void {
    const res = req.res!;
    const target = path.join(this.dir, `${crypto.randomUUID()}.upload`);
    this.ready ??= fsp.mkdir(this.dir, { recursive: true });
    this.ready.then(
      () => {
        if (res.closed || file.stream.destroyed) {
          file.stream.resume();
          return callback(new Error('The request ended before the file was received'));
        }
        trackTempFile(res, target);
        const hash = crypto.createHash('sha256');
        let size = 0;
        const meter = new Transform({
          transform(chunk: Buffer, _encoding, done) {
            hash.update(chunk);
            size += chunk.length;
            done(null, chunk);
          },
        });
        pipeline(file.stream, meter, fs.createWriteStream(target, { flags: 'wx' }), (error) => {
          if (error) {
            fs.rm(target, { force: true }, () => callback(error));
            return;
          }
          callback(null, { path: target, size, sha256: hash.digest('hex') });
        });
      },
      (error) => {
        this.ready = undefined;
        file.stream.resume();
        callback(error);
      },
    );
  }

  _removeFile(_req: Request, file: Express.Multer.File, callback: (error: Error | null) => void): void {
    if (!file.path) return callback(null);
    fs.rm(file.path, { force: true }, (error) => callback(error ?? null));
  }
}

const isSystemError = (error: unknown) => {
  const e = error as { syscall?: unknown; errno?: unknown } | null | undefined;
  return typeof e?.syscall === 'string' || typeof e?.errno === 'number';
};

/** multer and busboy failures as the API's answers; disk failures stay 500s. */
function toUploadError(error: unknown, limits: { file: number; field: number }): unknown {
  if (error instanceof AppError || isSystemError(error)) return error;
  if (error instanceof multer.MulterError) {
    const field = error.field ? [{ path: String(error.field), message: error.message }] : undefined;
    switch (error.code) {
      case 'LIMIT_FILE_SIZE':
        return payloadTooLarge(`The file is larger than the limit of ${limits.file} bytes`);
      case 'LIMIT_FIELD_VALUE':
        return payloadTooLarge(
          `The field "${error.field}" is larger than the limit of ${limits.field} bytes`,
        );
      case 'LIMIT_UNEXPECTED_FILE':
        return validationError(`Unexpected file in field "${error.field}": one file is accepted`, field);
      case 'LIMIT_FILE_COUNT':
        return validationError('Too many files: one file is accepted', field);
      default:
        return validationError(`Invalid multipart form: ${error.message}`, field);
    }
  }
  // busboy: "Unexpected end of form", "Malformed part header", "Multipart: Boundary not found", aborted…
  return validationError(`Malformed multipart body: ${(error as Error)?.message ?? 'unreadable'}`);
}

/** Each declared field's Joi type, to parse multipart text the way the schema expects it. */
function fieldTypesOf(schema: Joi.ObjectSchema): Map<string, string> {
  const described = schema.describe() as { keys?: Record<string, { type?: string }> };
  return new Map(Object.entries(described.keys ?? {}).map(([name, d]) => [name, d.type ?? 'any']));
}

const JSON_VALUED = new Set(['number', 'boolean', 'object', 'array', 'alternatives', 'any']);

/**
 * Multipart text fields are strings; this parses them like JSON values where the body schema wants
 * something else: numbers and booleans from their text, objects and arrays (`metadata`, a drawing's
 * `data`) from JSON. Fields the schema declares as strings stay strings (a title "123" is a title), and
 * unknown fields are left for validation to refuse. An object or array field that is not valid JSON → 400.
 */
export function parseMultipartFields(
  fields: Record<string, unknown>,
  schema?: Joi.ObjectSchema | Map<string, string>,
): Record<string, unknown> {
  const types = schema instanceof Map ? schema : schema ? fieldTypesOf(schema) : new Map<string, string>();
  const out: [string, unknown][] = [];
  const errors: FieldError[] = [];
  for (const [name, value] of Object.entries(fields)) {
    const type = types.get(name);
    if (typeof value !== 'string' || !type || !JSON_VALUED.has(type)) {
      out.push([name, value]);
      continue;
    }
    try {
      out.push([name, JSON.parse(value)]);
    } catch {
      if (type === 'object' || type === 'array') {
        errors.push({ path: name, message: `must be a JSON ${type}` });
      }
      out.push([name, value]); // numbers and booleans: validation words the error
    }
  }
  if (errors.length > 0) {
    throw validationError(errors.map((e) => `"${e.path}" ${e.message}`).join('; '), errors);
  }
  // fromEntries, not `out[name] = value`: a field named `__proto__` stays an own key, which validation
  // refuses, instead of silently setting the body's prototype.
  return Object.fromEntries(out);
}

async function inspectImage(
  file: ReceivedFile,
  types: readonly ImageType[],
  dir: string,
  res: Response,
): Promise<UploadedImage> {
  const thumbnailPath = path.join(dir, `${crypto.randomUUID()}.thumb`);
  trackTempFile(res, thumbnailPath);
  return inspectImageFile(
    {
      path: file.path,
      originalFilename: sanitizeFilename(file.originalname),
      size: file.size,
      sha256: file.sha256,
    },
    types,
    thumbnailPath,
    // Queued behind other decodes while the client gave up: nobody is waiting for this one.
    () => (res.closed ? validationError('The request was aborted') : undefined),
  );
}

/**
 * Judges an image file on local disk as an upload is judged: its type by its bytes (one of `types`, else
 * 415), at most 100 megapixels (400), decodable (415), and writes its WebP thumbnail (at most 512 px on the
 * long side) to `thumbnailPath`, which the caller removes. `aborted` is asked once the decode slot is held:
 * an error it answers is thrown instead of decoding. Used by uploads and by the archive import.
 */
export async function inspectImageFile(
  file: { path: string; originalFilename: string | null; size: number; sha256: string },
  types: readonly ImageType[],
  thumbnailPath: string,
  aborted: () => Error | undefined = () => undefined,
): Promise<UploadedImage> {
  const accepted = types.map((t) => NAMES[t]).join(', ');
  const detected = await fileTypeFromFile(file.path);
  const mimeType = detected?.mime as ImageType | undefined;
  if (!mimeType || !types.includes(mimeType)) {
    throw unsupportedMediaType(`The file must be ${accepted}; its bytes are not`);
  }
  return decodeGate.run(async () => {
    const abort = aborted();
    if (abort) throw abort;
    let meta: sharp.Metadata;
    try {
      meta = await sharp(file.path, { limitInputPixels: false }).metadata();
    } catch (error) {
      throw appError('UNSUPPORTED_MEDIA_TYPE', 'The image could not be decoded', { cause: error });
    }
    if (meta.format !== SHARP_FORMATS[mimeType] || !meta.width || !meta.height) {
      throw unsupportedMediaType('The image could not be decoded');
    }
    if (meta.width * meta.height > MAX_IMAGE_PIXELS) {
      throw validationError(
        `The image is ${meta.width}×${meta.height} pixels; at most ${MAX_IMAGE_PIXELS / 1e6} megapixels are accepted`,
        [{ path: 'file', message: `must be at most ${MAX_IMAGE_PIXELS / 1e6} megapixels` }],
      );
    }
    let thumbnail: sharp.OutputInfo;
    try {
      // Decoding the whole image for the thumbnail is also the check that it decodes: truncated → 415.
      thumbnail = await sharp(file.path, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'truncated' })
        .autoOrient()
        .resize(THUMBNAIL_MAX_SIDE, THUMBNAIL_MAX_SIDE, { fit: 'inside', withoutEnlargement: true })
        .webp({ quality: 80 })
        .toFile(thumbnailPath);
    } catch (error) {
      await fsp.rm(thumbnailPath, { force: true });
      throw appError('UNSUPPORTED_MEDIA_TYPE', 'The image could not be decoded', { cause: error });
    }
    return {
      path: file.path,
      originalFilename: file.originalFilename,
      mimeType,
      sizeBytes: file.size,
      sha256: file.sha256,
      width: meta.autoOrient?.width ?? meta.width,
      height: meta.autoOrient?.height ?? meta.height,
      thumbnail: {
        path: thumbnailPath,
        mimeType: 'image/webp',
        width: thumbnail.width,
        height: thumbnail.height,
        sizeBytes: thumbnail.size,
      },
    };
  });
}

/**
 * The upload step of a multipart route, for its `before` list (with `bodyKind: 'multipart'`):
 *
 * 1. receives the form with multer, streaming the file to a temp file under `DATA_DIR/tmp/uploads` while
 *    hashing it (never the whole file in memory): over the limit → 413, a second file, an unknown file
 *    field or too many fields → 400, a malformed body → 400;
 * 2. parses the text fields per `options.body` (`parseMultipartFields`) into `req.body` for validation;
 * 3. judges the file by its bytes (PNG, JPEG, WebP, or `options.types`; else 415), refuses more than
 *    100 megapixels (400) and anything that does not decode (415), and makes a WebP thumbnail of at most
 *    512 px on the long side;
 * 4. sets `res.locals.uploadDigest` (the SHA-256, so an Idempotency-Key reused with another file is a 422)
 *    and the result for `uploadedImage(res)`.
 *
 * Temp files go when the response is sent or the connection closes, whatever the outcome.
 */
export function imageUpload(ctx: { config: Config }, options: ImageUploadOptions = {}): RequestHandler {
  const types = options.types ?? IMAGE_TYPES;
  const dir = storagePaths(ctx.config).uploads;
  return receiveUpload(ctx, options, async (file, res) => {
    res.locals.upload = await inspectImage(file, types, dir, res);
  });
}

/** A file received by `fileUpload`, in a temp file removed when the response goes out. */
export interface UploadedFile {
  path: string;
  originalFilename: string | null;
  sizeBytes: number;
  /** Hex SHA-256 of the bytes, computed while they arrived. */
  sha256: string;
}

/** The file `fileUpload` received for this request. */
export function uploadedFile(res: Response): UploadedFile | undefined {
  return res.locals.upload as UploadedFile | undefined;
}

/**
 * One file of any type in a multipart field (`file` by default), streamed to a temp file, hashed and
 * counted: what `imageUpload` does before it judges an image (the same 413, 400 and 415 answers), for a
 * route whose file is judged later (an archive to import, by its job).
 */
export function fileUpload(
  ctx: { config: Config },
  options: Pick<ImageUploadOptions, 'field' | 'maxFileBytes' | 'maxFields' | 'body'> = {},
): RequestHandler {
  return receiveUpload(ctx, { ...options, required: true }, async (file, res) => {
    const uploaded: UploadedFile = {
      path: file.path,
      originalFilename: sanitizeFilename(file.originalname),
      sizeBytes: file.size,
      sha256: file.sha256,
    };
    res.locals.upload = uploaded;
  });
}

function receiveUpload(
  ctx: { config: Config },
  options: ImageUploadOptions,
  accept: (file: ReceivedFile, res: Response) => Promise<void>,
): RequestHandler {
  const field = options.field ?? 'file';
  const required = options.required ?? true;
  const limits = {
    file: options.maxFileBytes ?? ctx.config.storage.maxUploadBytes,
    field: options.maxFieldBytes ?? 64 * 1024,
  };
  const maxFields = options.maxFields ?? 20;
  const dir = storagePaths(ctx.config).uploads;
  const fieldTypes = options.body ? fieldTypesOf(options.body) : undefined;
  const readJson =
    options.jsonLimitBytes !== undefined
      ? express.json({ limit: options.jsonLimitBytes, type: JSON_TYPES, strict: true })
      : undefined;
  const receive = multer({
    storage: new TempFileStorage(dir),
    limits: {
      fileSize: limits.file,
      fieldSize: limits.field,
      fields: maxFields,
      files: 1,
      parts: maxFields + 1,
      fieldNameSize: 100,
      headerPairs: 100,
    },
    // Browsers send file names as raw UTF-8.
    defParamCharset: 'utf8',
  }).single(field);

  return (req, res, next) => {
    if (readJson && req.is(JSON_TYPES)) return readJson(req, res, next);
    if (!req.is('multipart/form-data')) {
      const expected = readJson ? 'multipart/form-data or application/json' : 'multipart/form-data';
      return next(unsupportedMediaType(`The body must be ${expected}`));
    }
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
      // multer would read the compressed bytes as the form itself.
      return next(unsupportedMediaType(`A multipart body cannot have Content-Encoding "${encoding}"`));
    }
    receive(req, res, (error?: unknown) => {
      if (error) return next(toUploadError(error, limits));
      const file = req.file as ReceivedFile | undefined;
      (async () => {
        req.body = parseMultipartFields({ ...(req.body ?? {}) }, fieldTypes);
        if (!file) {
          if (required)
            throw validationError(`"${field}" is required`, [{ path: field, message: 'is required' }]);
          return;
        }
        res.locals.uploadDigest = file.sha256;
        await accept(file, res);
      })().then(() => next(), next);
    });
  };
}

export interface StoredImageKeys {
  key: string;
  thumbnailKey: string;
}

/**
 * Puts an accepted upload and its thumbnail in the store under new keys
 * (`<namespace>/<ownerId>/<uuid>.<ext>` and `…-thumb.webp`). All or nothing: when the second put fails the
 * first is deleted. Call it before the database transaction that records the keys, and
 * `deleteStoredFiles` when that transaction fails; the garbage collector removes what a crash in between
 * leaves.
 */
export async function storeUploadedImage(
  store: FileStore,
  image: UploadedImage,
  target: { namespace: string; ownerId: string },
): Promise<StoredImageKeys> {
  const key = fileKey(target.namespace, target.ownerId, image.mimeType);
  const thumbnailKey = variantKey(key, 'thumb', image.thumbnail.mimeType);
  await store.put(key, { path: image.path }, { contentType: image.mimeType });
  try {
    await store.put(thumbnailKey, { path: image.thumbnail.path }, { contentType: image.thumbnail.mimeType });
  } catch (error) {
    await store.delete(key).catch(() => undefined);
    throw error;
  }
  return { key, thumbnailKey };
}

/**
 * Deletes stored files after their rows are gone (or their transaction failed). Best effort: a failure is
 * logged, not thrown, because the row change already happened; the garbage collector retries it.
 */
export async function deleteStoredFiles(
  store: FileStore,
  keys: readonly (string | null | undefined)[],
  logger?: Logger,
): Promise<void> {
  await Promise.all(
    keys
      .filter((key): key is string => typeof key === 'string' && key.length > 0)
      .map((key) =>
        store.delete(key).catch((error: Error) => {
          logger?.warn('stored file not deleted; the storage gc will retry', { key, error: error.message });
        }),
      ),
  );
}
