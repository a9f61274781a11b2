import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import {
  assertContentTypeMatchesKey,
  assertFileKey,
  contentTypeForKey,
  FileNotFoundError,
  isFileKey,
  type FileStore,
  type ListedFile,
  type PutSource,
  type StoredFileInfo,
  type StoredFileStream,
} from './file-store';

/** A presigned S3 GET URL for `key`, valid `ttlS` seconds (S3 itself refuses it once expired or altered). */
export function presignS3Get(client: S3Client, bucket: string, key: string, ttlS: number): Promise<string> {
  assertFileKey(key);
  return getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: ttlS });
}

export interface S3FileStoreOptions {
  bucket: string;
  region: string;
  /** MinIO, s3rver or another S3-compatible service; AWS itself when absent. */
  endpoint?: string;
  /**
   * The same service as browsers reach it (`http://localhost:9000` when `endpoint` is `http://minio:9000`, a
   * name only the API's network resolves). Presigned URLs are signed for this host; `endpoint` when absent.
   */
  publicEndpoint?: string;
  /** `http://host/bucket/key` instead of `http://bucket.host/key` (MinIO, s3rver). */
  forcePathStyle?: boolean;
  /** Static credentials; without them the SDK's default chain (env, profile, instance role) applies. */
  accessKeyId?: string;
  secretAccessKey?: string;
  ttlS: number;
  /** Where a stream of unknown length is spooled before upload (PutObject needs a length). */
  spoolDir?: string;
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  return (
    e?.name === 'NoSuchKey' ||
    e?.name === 'NotFound' ||
    e?.Code === 'NoSuchKey' ||
    e?.$metadata?.httpStatusCode === 404
  );
}

/**
 * Files in one S3 bucket (or MinIO, or another S3-compatible service), one object per key. PutObject is
 * atomic in S3: a reader sees the old object or the whole new one. Read URLs are presigned GETs, so with
 * this driver browsers fetch the bytes from the bucket, not through the API.
 */
export class S3FileStore implements FileStore {
  readonly driver = 's3' as const;
  readonly client: S3Client;
  /**
   * Signs read URLs only and never sends a request. A separate client because SigV4 signs the Host header:
   * a URL signed for the internal endpoint cannot be rewritten to the public one afterwards.
   */
  private readonly presigner: S3Client;
  readonly bucket: string;

  constructor(private readonly options: S3FileStoreOptions) {
    this.bucket = options.bucket;
    this.client = S3FileStore.createClient(options, options.endpoint);
    this.presigner =
      options.publicEndpoint && options.publicEndpoint !== options.endpoint
        ? S3FileStore.createClient(options, options.publicEndpoint)
        : this.client;
  }

  private static createClient(options: S3FileStoreOptions, endpoint: string | undefined): S3Client {
    return new S3Client({
      region: options.region,
      endpoint,
      forcePathStyle: options.forcePathStyle ?? false,
      credentials:
        options.accessKeyId && options.secretAccessKey
          ? { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey }
          : undefined,
      // Checksums only where S3 requires them: the default (a CRC trailer on every upload, aws-chunked
      // encoding) is not understood by several S3-compatible services.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  private async upload(key: string, body: Buffer | Readable, size: number, contentType: string) {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: body,
        ContentLength: size,
        ContentType: contentType,
      }),
    );
  }

  private async uploadFile(key: string, file: string, size: number, contentType: string) {
    const stream = fs.createReadStream(file);
    try {
      await this.upload(key, stream, size, contentType);
    } finally {
      // A failed request may leave the stream unread: close its descriptor now, not at garbage collection.
      stream.destroy();
    }
  }

  async put(key: string, source: PutSource, options: { contentType: string }): Promise<StoredFileInfo> {
    assertFileKey(key);
    assertContentTypeMatchesKey(key, options.contentType);
    const contentType = contentTypeForKey(key);
    let size: number;
    if ('buffer' in source) {
      size = source.buffer.length;
      await this.upload(key, source.buffer, size, contentType);
    } else if ('path' in source) {
      size = (await fsp.stat(source.path)).size;
      await this.uploadFile(key, source.path, size, contentType);
    } else if (source.size !== undefined) {
      size = source.size;
      await this.upload(key, source.stream, size, contentType);
    } else {
      const dir = this.options.spoolDir ?? os.tmpdir();
      await fsp.mkdir(dir, { recursive: true });
      const spool = path.join(dir, `s3-spool-${crypto.randomUUID()}`);
      try {
        await pipeline(source.stream, fs.createWriteStream(spool, { flags: 'wx' }));
        size = (await fsp.stat(spool)).size;
        await this.uploadFile(key, spool, size, contentType);
      } finally {
        await fsp.rm(spool, { force: true });
      }
    }
    return { key, size, contentType, lastModified: new Date() };
  }

  async get(key: string): Promise<StoredFileStream | null> {
    assertFileKey(key);
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        key,
        size: out.ContentLength ?? 0,
        contentType: out.ContentType ?? contentTypeForKey(key),
        lastModified: out.LastModified ?? new Date(0),
        stream: out.Body as Readable,
      };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async stat(key: string): Promise<StoredFileInfo | null> {
    assertFileKey(key);
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        key,
        size: out.ContentLength ?? 0,
        contentType: out.ContentType ?? contentTypeForKey(key),
        lastModified: out.LastModified ?? new Date(0),
      };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    return (await this.stat(key)) !== null;
  }

  async delete(key: string): Promise<void> {
    assertFileKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async copy(fromKey: string, toKey: string): Promise<void> {
    assertFileKey(fromKey);
    assertFileKey(toKey);
    try {
      await this.client.send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key: toKey,
          // Keys are a-z 0-9 . _ - / only: nothing in them needs escaping.
          CopySource: `${this.bucket}/${fromKey}`,
          MetadataDirective: 'REPLACE',
          ContentType: contentTypeForKey(toKey),
        }),
      );
    } catch (error) {
      if (isNotFound(error)) throw new FileNotFoundError(fromKey);
      throw error;
    }
  }

  async *list(prefix = ''): AsyncIterable<ListedFile> {
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix || undefined,
          ContinuationToken: token,
        }),
      );
      for (const object of page.Contents ?? []) {
        // Objects someone else put in the bucket under other names are not ours to judge.
        if (!object.Key || !isFileKey(object.Key)) continue;
        yield { key: object.Key, size: object.Size ?? 0, lastModified: object.LastModified ?? new Date(0) };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async signedUrl(key: string, options: { ttlS?: number } = {}): Promise<string> {
    return presignS3Get(this.presigner, this.bucket, key, options.ttlS ?? this.options.ttlS);
  }

  async close(): Promise<void> {
    this.client.destroy();
    if (this.presigner !== this.client) this.presigner.destroy();
  }
}
