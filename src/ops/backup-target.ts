import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BackupTargetConfig, Config } from '../config';
import type { BackupTarget, TargetSource } from './backup-target-types';

export type { BackupTarget, TargetSource } from './backup-target-types';

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
    // Loaded only for an S3 target, as the S3 file store is: the AWS SDK is slow and large to load.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { S3BackupTarget: Target } = require('./s3-backup-target') as {
      S3BackupTarget: new (bucket: string, prefix: string, s3: Config['storage']['s3']) => BackupTarget;
    };
    return new Target(target.bucket, target.prefix, config.storage.s3);
  }
  const files = path.join(config.dataDir, 'files');
  const dir = path.resolve(target.dir);
  if (dir === files || dir.startsWith(files + path.sep)) {
    throw new Error(`BACKUP_TARGET ${dir} is inside the file store (${files}). Use another folder.`);
  }
  return new LocalBackupTarget(dir);
}
