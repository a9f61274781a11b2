import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { BackupTargetConfig, Config } from '../config';

/** Bytes to write into a backup: a file on this machine, a buffer, or a stream of known length. */
export type TargetSource = { path: string } | { buffer: Buffer } | { stream: Readable; size: number };

/**
 * Where backups are kept: a folder, or a prefix in an S3 bucket. Each backup is one folder (prefix)
 * `<id>/` holding `manifest.json`, the database dump and `files/<key>`. Names are relative to the target.
 */
export interface BackupTarget {
  /** `/srv/backups` or `s3://bucket/prefix`, for messages. */
  readonly description: string;
  put(name: string, source: TargetSource): Promise<void>;
  /** The object's bytes, or null when there is none. */
  get(name: string): Promise<Readable | null>;
  /** The backup folders (ids) the target holds, in no particular order. */
  listIds(): Promise<string[]>;
  /** The names (relative to the target) of every object under `<id>/`. */
  listBackup(id: string): Promise<string[]>;
  /** Removes one object (nothing when there is none). */
  remove(name: string): Promise<void>;
  /** Removes everything under `<id>/`. */
  removeBackup(id: string): Promise<void>;
  close(): Promise<void>;
}

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException)?.code === 'ENOENT';

/** A folder on this machine (a mounted disk, an NFS share); writes go through a `.part` file and a rename. */
export class LocalBackupTarget implements BackupTarget {
  readonly description: string;

  constructor(private readonly dir: string) {
    this.description = dir;
  }

  private pathOf(name: string): string {
    const full = path.resolve(this.dir, ...name.split('/'));
    if (!full.startsWith(path.resolve(this.dir) + path.sep)) throw new Error(`Bad backup path: ${name}`);
    return full;
  }

  async put(name: string, source: TargetSource): Promise<void> {
    const target = this.pathOf(name);
    await fsp.mkdir(path.dirname(target), { recursive: true });
    const part = `${target}.part`;
    if ('path' in source) await fsp.copyFile(source.path, part);
    else if ('buffer' in source) await fsp.writeFile(part, source.buffer);
    else await pipeline(source.stream, fs.createWriteStream(part));
    await fsp.rename(part, target);
  }

  async get(name: string): Promise<Readable | null> {
    try {
      const handle = await fsp.open(this.pathOf(name), 'r');
      return handle.createReadStream({ autoClose: true });
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async listIds(): Promise<string[]> {
    try {
      const entries = await fsp.readdir(this.dir, { withFileTypes: true });
      return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
  }

  async listBackup(id: string): Promise<string[]> {
    const root = this.pathOf(id);
    const names: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries: fs.Dirent[];
      try {
        entries = await fsp.readdir(dir, { withFileTypes: true });
      } catch (error) {
        if (isMissing(error)) return;
        throw error;
      }
      for (const entry of entries) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) await walk(full);
        else names.push(path.relative(this.dir, full).split(path.sep).join('/'));
      }
    };
    await walk(root);
    return names;
  }

  async remove(name: string): Promise<void> {
    await fsp.rm(this.pathOf(name), { force: true });
  }

  async removeBackup(id: string): Promise<void> {
    await fsp.rm(this.pathOf(id), { recursive: true, force: true });
  }

  async close(): Promise<void> {}
}

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

/**
 * The target BACKUP_TARGET names. Refuses a target inside the live file store (DATA_DIR/files, or the
 * store's own bucket): the storage GC deletes what no row points to, backups included.
 */
export function openBackupTarget(
  config: Config,
  target: BackupTargetConfig = config.backup.target,
): BackupTarget {
  if (target.kind === 's3') {
    if (config.storage.driver === 's3' && target.bucket === config.storage.s3.bucket) {
      throw new Error(
        `BACKUP_TARGET s3://${target.bucket} is the file store's own bucket: the storage GC would delete the ` +
          'backups. Use another bucket.',
      );
    }
    return new S3BackupTarget(target.bucket, target.prefix, config.storage.s3);
  }
  const files = path.join(config.dataDir, 'files');
  const dir = path.resolve(target.dir);
  if (dir === files || dir.startsWith(files + path.sep)) {
    throw new Error(`BACKUP_TARGET ${dir} is inside the file store (${files}). Use another folder.`);
  }
  return new LocalBackupTarget(dir);
}
