import fs from 'node:fs';
import fsp from 'node:fs/promises';
import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { Config } from '../config';
import type { BackupTarget, TargetSource } from './backup-target-types';

/** A prefix in an S3 bucket, on the S3 service (endpoint, credentials) the S3_* variables name. */
export class S3BackupTarget implements BackupTarget {
  readonly description: string;
  private readonly client: S3Client;

  constructor(
    private readonly bucket: string,
    private readonly prefix: string,
    s3: Config['storage']['s3'],
  ) {
    this.description = `s3://${bucket}/${prefix}`;
    this.client = new S3Client({
      region: s3.region,
      endpoint: s3.endpoint,
      forcePathStyle: s3.forcePathStyle,
      credentials:
        s3.accessKeyId && s3.secretAccessKey
          ? { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey }
          : undefined,
      // As the file store: checksums only where S3 requires them (S3-compatible services differ).
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  private keyOf(name: string): string {
    return this.prefix ? `${this.prefix}/${name}` : name;
  }

  async put(name: string, source: TargetSource): Promise<void> {
    let body: Buffer | Readable;
    let size: number;
    let opened: fs.ReadStream | undefined;
    if ('buffer' in source) {
      body = source.buffer;
      size = source.buffer.length;
    } else if ('path' in source) {
      size = (await fsp.stat(source.path)).size;
      body = opened = fs.createReadStream(source.path);
    } else {
      body = source.stream;
      size = source.size;
    }
    try {
      await this.client.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: this.keyOf(name), Body: body, ContentLength: size }),
      );
    } finally {
      opened?.destroy();
    }
  }

  async get(name: string): Promise<Readable | null> {
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.keyOf(name) }),
      );
      return out.Body as Readable;
    } catch (error) {
      const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
      if (e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404) return null;
      throw error;
    }
  }

  private async *keys(prefix: string, delimiter?: string): AsyncIterable<{ key?: string; folder?: string }> {
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          Delimiter: delimiter,
          ContinuationToken: token,
        }),
      );
      for (const object of page.Contents ?? []) if (object.Key) yield { key: object.Key };
      for (const common of page.CommonPrefixes ?? []) if (common.Prefix) yield { folder: common.Prefix };
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async listIds(): Promise<string[]> {
    const base = this.prefix ? `${this.prefix}/` : '';
    const ids: string[] = [];
    for await (const { folder } of this.keys(base, '/')) {
      if (folder) ids.push(folder.slice(base.length).replace(/\/$/, ''));
    }
    return ids;
  }

  async listBackup(id: string): Promise<string[]> {
    const base = this.prefix ? `${this.prefix}/` : '';
    const names: string[] = [];
    for await (const { key } of this.keys(`${base}${id}/`)) if (key) names.push(key.slice(base.length));
    return names;
  }

  async remove(name: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.keyOf(name) }));
  }

  async removeBackup(id: string): Promise<void> {
    const names = await this.listBackup(id);
    // One DeleteObject each: DeleteObjects needs a Content-MD5 some S3-compatible services handle differently.
    for (let i = 0; i < names.length; i += 16) {
      await Promise.all(names.slice(i, i + 16).map((name) => this.remove(name)));
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
