import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Response } from 'express';

const TRACKED = Symbol('colorbook.tempFiles');

type TrackedResponse = Response & { [TRACKED]?: Set<string> };

function removeAllSync(files: Set<string>): void {
  for (const file of files) {
    try {
      fs.rmSync(file, { force: true });
      files.delete(file);
    } catch {
      // Left for the 'close' pass and, failing that, the stale-file sweep.
    }
  }
}

/**
 * Ties a temp file to a response: it is removed just before the response's headers go out (so a client
 * that has its answer never finds the file still there) and again when the connection closes (client
 * aborts, where no answer is written). Removal is idempotent.
 */
export function trackTempFile(res: Response, file: string): void {
  const tracked = res as TrackedResponse;
  let files = tracked[TRACKED];
  if (!files) {
    files = new Set();
    tracked[TRACKED] = files;
    const set = files;
    const writeHead = res.writeHead;
    // Unlinking a couple of files is a metadata operation: cheap enough to do in line, once per upload.
    res.writeHead = function (this: Response, ...args: unknown[]) {
      removeAllSync(set);
      return (writeHead as (...a: unknown[]) => unknown).apply(this, args);
    } as Response['writeHead'];
    res.once('close', () => {
      for (const file of set) fs.rm(file, { force: true }, () => set.delete(file));
    });
  }
  files.add(file);
}

/**
 * Removes files in `dir` (not below it) last modified more than `olderThanMs` ago: uploads a crash or a
 * kill left behind. Returns how many were removed.
 */
export async function removeStaleFiles(dir: string, olderThanMs: number, now = Date.now()): Promise<number> {
  let entries: fs.Dirent[];
  try {
    entries = await fsp.readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  let removed = 0;
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const file = path.join(dir, entry.name);
    try {
      const stats = await fsp.stat(file);
      if (now - stats.mtimeMs > olderThanMs) {
        await fsp.rm(file, { force: true });
        removed++;
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return removed;
}
