import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
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
import type { UrlSigner } from './signed-urls';

/** Where half-written files wait before they are renamed into place; a dot name is never a key. */
export const LOCAL_TEMP_DIR = '.tmp';

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException)?.code === 'ENOENT';

/**
 * Files on local disk under one root (`DATA_DIR/files`). A key maps to a path under the root only after
 * `assertFileKey` (no dot segments, no separators but `/`) and a check that the resolved path is still
 * inside the root. Writes go to `<root>/.tmp/<random>`, are flushed, and are renamed over the key's path:
 * readers and crashes see the old file or the whole new one, never a part. The content type is the key's
 * extension, so there is no metadata to keep in step.
 */
export class LocalFileStore implements FileStore {
  readonly driver = 'local' as const;
  readonly root: string;
  private readonly tempDir: string;

  constructor(private readonly options: { root: string; signer: UrlSigner }) {
    this.root = path.resolve(options.root);
    this.tempDir = path.join(this.root, LOCAL_TEMP_DIR);
  }

  private pathOf(key: string): string {
    assertFileKey(key);
    const full = path.resolve(this.root, ...key.split('/'));
    if (!full.startsWith(this.root + path.sep)) throw new Error(`Key escapes the store root: ${key}`);
    return full;
  }

  private async writeAtomically(target: string, write: (temp: string) => Promise<void>): Promise<void> {
    await fsp.mkdir(this.tempDir, { recursive: true });
    const temp = path.join(this.tempDir, `${crypto.randomUUID()}.part`);
    try {
      await write(temp);
      // Flush before the rename, so a power cut cannot leave a renamed but empty file.
      const handle = await fsp.open(temp, 'r+');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fsp.mkdir(path.dirname(target), { recursive: true });
      await fsp.rename(temp, target);
    } catch (error) {
      await fsp.rm(temp, { force: true });
      throw error;
    }
  }

  async put(key: string, source: PutSource, options: { contentType: string }): Promise<StoredFileInfo> {
    const target = this.pathOf(key);
    assertContentTypeMatchesKey(key, options.contentType);
    await this.writeAtomically(target, async (temp) => {
      if ('path' in source) await fsp.copyFile(source.path, temp, fs.constants.COPYFILE_EXCL);
      else if ('buffer' in source) await fsp.writeFile(temp, source.buffer, { flag: 'wx' });
      else await pipeline(source.stream, fs.createWriteStream(temp, { flags: 'wx' }));
    });
    const stats = await fsp.stat(target);
    return { key, size: stats.size, contentType: contentTypeForKey(key), lastModified: stats.mtime };
  }

  async get(key: string): Promise<StoredFileStream | null> {
    const file = this.pathOf(key);
    let handle: fsp.FileHandle;
    try {
      handle = await fsp.open(file, 'r');
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) {
        await handle.close();
        return null;
      }
      return {
        key,
        size: stats.size,
        contentType: contentTypeForKey(key),
        lastModified: stats.mtime,
        // Reading through the open handle: a delete right now cannot turn this into a failed read.
        stream: handle.createReadStream({ autoClose: true }),
      };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async stat(key: string): Promise<StoredFileInfo | null> {
    try {
      const stats = await fsp.stat(this.pathOf(key));
      if (!stats.isFile()) return null;
      return { key, size: stats.size, contentType: contentTypeForKey(key), lastModified: stats.mtime };
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    return (await this.stat(key)) !== null;
  }

  async delete(key: string): Promise<void> {
    await fsp.rm(this.pathOf(key), { force: true });
  }

  async copy(fromKey: string, toKey: string): Promise<void> {
    const from = this.pathOf(fromKey);
    const to = this.pathOf(toKey);
    try {
      await this.writeAtomically(to, (temp) => fsp.copyFile(from, temp, fs.constants.COPYFILE_EXCL));
    } catch (error) {
      if (isMissing(error) && !(await this.exists(fromKey))) throw new FileNotFoundError(fromKey);
      throw error;
    }
  }

  async *list(prefix = ''): AsyncIterable<ListedFile> {
    const walk = async function* (dir: string, keyPrefix: string): AsyncGenerator<ListedFile> {
      let entries: fs.Dirent[];
      try {
        entries = await fsp.readdir(dir, { withFileTypes: true });
      } catch (error) {
        if (isMissing(error)) return;
        throw error;
      }
      for (const entry of entries) {
        // Temp files and anything else that cannot be a key are not the store's files.
        if (entry.name.startsWith('.')) continue;
        const key = keyPrefix + entry.name;
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          if (prefix.startsWith(key + '/') || (key + '/').startsWith(prefix)) yield* walk(full, key + '/');
        } else if (entry.isFile() && key.startsWith(prefix) && isFileKey(key)) {
          try {
            const stats = await fsp.stat(full);
            yield { key, size: stats.size, lastModified: stats.mtime };
          } catch (error) {
            if (!isMissing(error)) throw error; // deleted while listing
          }
        }
      }
    };
    yield* walk(this.root, '');
  }

  async signedUrl(key: string, options: { ttlS?: number } = {}): Promise<string> {
    return this.options.signer.sign(key, options).url;
  }

  async close(): Promise<void> {}
}
