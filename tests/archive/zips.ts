import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yauzl from 'yauzl';
import yazl from 'yazl';
import type { FileStore } from '../../src/storage/file-store';

/** A fresh temp folder for this test file's ZIPs (removed by the caller's afterAll). */
export function zipScratch(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'colorbook-archive-test-'));
}

/** Copies a stored file to local disk (the import reads a ZIP on disk, as the upload leaves it). */
export async function storedToFile(store: FileStore, key: string, file: string): Promise<Buffer> {
  const stored = await store.get(key);
  if (!stored) throw new Error(`nothing stored under ${key}`);
  const chunks: Buffer[] = [];
  for await (const chunk of stored.stream) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  fs.writeFileSync(file, bytes);
  return bytes;
}

/** Every entry of a (small, trusted) ZIP, unpacked into memory, in order. */
export async function unzip(file: string): Promise<Array<[string, Buffer]>> {
  const zip = await yauzl.openPromise(file, { lazyEntries: true });
  const out: Array<[string, Buffer]> = [];
  for await (const entry of zip.eachEntry()) {
    const stream = await zip.openReadStreamPromise(entry);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    out.push([entry.fileName, Buffer.concat(chunks)]);
  }
  return out;
}

export const sha256 = (bytes: Buffer) => crypto.createHash('sha256').update(bytes).digest('hex');

/** Writes entries into a ZIP file with yazl (compressed unless told otherwise). */
export async function zipFile(
  file: string,
  entries: ReadonlyArray<readonly [string, Buffer]>,
  options: { compress?: boolean } = {},
): Promise<string> {
  const zip = new yazl.ZipFile();
  for (const [name, bytes] of entries) {
    zip.addBuffer(bytes, name, { compress: options.compress ?? true, mtime: new Date(2026, 0, 1) });
  }
  zip.end();
  await new Promise<void>((resolve, reject) => {
    const out = fs.createWriteStream(file);
    zip.outputStream.pipe(out).on('finish', resolve).on('error', reject);
  });
  return file;
}

interface ManifestShape {
  format: string;
  formatVersion: number;
  createdAt: string;
  counts: Record<string, number>;
  entries: Array<{ path: string; size: number; sha256: string }>;
}

/**
 * A copy of an archive's entries with `change` applied to them (add, drop, replace) and, unless
 * `keepManifest`, a manifest recomputed for the result: a hostile archive the manifest vouches for.
 */
export function rebuild(
  entries: ReadonlyArray<readonly [string, Buffer]>,
  change: (entries: Map<string, Buffer>, manifest: ManifestShape) => void,
  options: { keepManifest?: boolean } = {},
): Array<[string, Buffer]> {
  const map = new Map(entries.map(([name, bytes]) => [name, bytes] as [string, Buffer]));
  const manifest = JSON.parse(map.get('manifest.json')!.toString()) as ManifestShape;
  map.delete('manifest.json');
  change(map, manifest);
  if (!options.keepManifest) {
    manifest.entries = [...map.entries()].map(([name, bytes]) => ({
      path: name,
      size: bytes.length,
      sha256: sha256(bytes),
    }));
  }
  return [...map.entries(), ['manifest.json', Buffer.from(JSON.stringify(manifest))]];
}

/**
 * Replaces every occurrence of the ASCII name `from` by `to` (same length) in a ZIP's bytes: in the local
 * headers and the central directory. How a name yazl refuses to write (`../x`, `/x`, `a\b`) gets into a ZIP.
 */
export function patchName(zip: Buffer, from: string, to: string): Buffer {
  if (Buffer.byteLength(from) !== Buffer.byteLength(to)) throw new Error('names must have the same length');
  const out = Buffer.from(zip);
  const needle = Buffer.from(from);
  let at = out.indexOf(needle);
  let patched = 0;
  while (at >= 0) {
    Buffer.from(to).copy(out, at);
    patched++;
    at = out.indexOf(needle, at + 1);
  }
  if (patched === 0) throw new Error(`${from} is not in the ZIP`);
  return out;
}

/**
 * Makes the headers of entry `name` declare `size` uncompressed bytes (local header and central directory),
 * whatever the data inflates to: a ZIP whose headers lie.
 */
export function patchDeclaredSize(zip: Buffer, name: string, size: number): Buffer {
  const out = Buffer.from(zip);
  const needle = Buffer.from(name);
  let at = out.indexOf(needle);
  let patched = 0;
  while (at >= 0) {
    if (at >= 46 && out.readUInt32LE(at - 46) === 0x02014b50) {
      out.writeUInt32LE(size, at - 46 + 24);
      patched++;
    } else if (at >= 30 && out.readUInt32LE(at - 30) === 0x04034b50) {
      out.writeUInt32LE(size, at - 30 + 22);
      patched++;
    }
    at = out.indexOf(needle, at + 1);
  }
  if (patched === 0) throw new Error(`no header of ${name} found`);
  return out;
}
