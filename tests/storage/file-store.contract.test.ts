import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { FileNotFoundError, fileKey, InvalidFileKeyError, variantKey } from '../../src/storage/file-store';
import { LOCAL_TEMP_DIR } from '../../src/storage/local-file-store';
import { makePng } from '../helpers/images';
import { listKeys, readAll, startLocalStore, startS3Store, TEST_SECRET, type StoreUnderTest } from './stores';

const owner = () => crypto.randomUUID();
const pngKey = (namespace = 'contract') => fileKey(namespace, owner(), 'image/png');

/** A stream that sends some bytes, then fails. */
function failingStream(): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (!sent) {
        sent = true;
        this.push(Buffer.alloc(1024, 1));
      } else {
        this.destroy(new Error('source failed'));
      }
    },
  });
}

describe.each([
  ['local', async () => startLocalStore()],
  ['s3', startS3Store],
] as const)('FileStore contract: %s', (_name, start) => {
  let s: StoreUnderTest;
  let scratch: string;
  beforeAll(async () => {
    s = await start();
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'colorbook-scratch-'));
  });
  afterAll(async () => {
    await s?.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  test('when a buffer, a file path and streams (with and without size) are put, then each reads back whole', async () => {
    const bytes = await makePng(40, 30, { noise: true });
    const file = path.join(scratch, 'upload.bin');
    fs.writeFileSync(file, bytes);
    const sources = [
      { buffer: bytes },
      { path: file },
      { stream: Readable.from([bytes.subarray(0, 100), bytes.subarray(100)]), size: bytes.length },
      { stream: Readable.from([bytes]) },
    ];
    for (const source of sources) {
      const key = pngKey();
      const info = await s.store.put(key, source, { contentType: 'image/png' });
      expect(info).toMatchObject({ key, size: bytes.length, contentType: 'image/png' });
      const got = await s.store.get(key);
      expect(got).toMatchObject({ key, size: bytes.length, contentType: 'image/png' });
      expect((await readAll(got!.stream)).equals(bytes)).toBe(true);
      expect(await s.store.stat(key)).toMatchObject({ key, size: bytes.length, contentType: 'image/png' });
      expect(await s.store.exists(key)).toBe(true);
    }
  });

  test('when a key is put again, then the new bytes replace the old', async () => {
    const key = pngKey();
    await s.store.put(key, { buffer: Buffer.from('first') }, { contentType: 'image/png' });
    await s.store.put(key, { buffer: Buffer.from('second!') }, { contentType: 'image/png' });
    expect((await readAll((await s.store.get(key))!.stream)).toString()).toBe('second!');
  });

  test('when the source stream fails midway, then nothing is stored and an existing file is kept', async () => {
    const fresh = pngKey();
    await expect(
      s.store.put(fresh, { stream: failingStream() }, { contentType: 'image/png' }),
    ).rejects.toThrow();
    expect(await s.store.exists(fresh)).toBe(false);

    const existing = pngKey();
    await s.store.put(existing, { buffer: Buffer.from('keep me') }, { contentType: 'image/png' });
    await expect(
      s.store.put(existing, { stream: failingStream() }, { contentType: 'image/png' }),
    ).rejects.toThrow();
    expect((await readAll((await s.store.get(existing))!.stream)).toString()).toBe('keep me');
    if (s.root) expect(fs.readdirSync(path.join(s.root, LOCAL_TEMP_DIR))).toEqual([]);
  });

  test('when a key holds no file, then get and stat answer null and exists false', async () => {
    const key = pngKey();
    expect(await s.store.get(key)).toBeNull();
    expect(await s.store.stat(key)).toBeNull();
    expect(await s.store.exists(key)).toBe(false);
  });

  test('when a file is deleted twice, then both succeed and the file is gone', async () => {
    const key = pngKey();
    await s.store.put(key, { buffer: Buffer.from('x') }, { contentType: 'image/png' });
    await s.store.delete(key);
    await s.store.delete(key);
    expect(await s.store.exists(key)).toBe(false);
  });

  test('when a file is copied, then the copy is independent of the original', async () => {
    const from = pngKey();
    const to = pngKey();
    await s.store.put(from, { buffer: Buffer.from('original') }, { contentType: 'image/png' });
    await s.store.copy(from, to);
    await s.store.delete(from);
    const copy = await s.store.get(to);
    expect(copy).toMatchObject({ size: 8, contentType: 'image/png' });
    expect((await readAll(copy!.stream)).toString()).toBe('original');
  });

  test('when a missing file is copied, then FileNotFoundError and no copy', async () => {
    const to = pngKey();
    await expect(s.store.copy(pngKey(), to)).rejects.toBeInstanceOf(FileNotFoundError);
    expect(await s.store.exists(to)).toBe(false);
  });

  test('when files are listed by prefix, then exactly those keys come back with their sizes', async () => {
    const namespace = `list-${crypto.randomBytes(3).toString('hex')}`;
    const ownerId = owner();
    const a = fileKey(namespace, ownerId, 'image/png');
    const b = variantKey(a, 'thumb', 'image/webp');
    const other = fileKey(`${namespace}x`, ownerId, 'image/png');
    for (const key of [a, b, other]) {
      await s.store.put(
        key,
        { buffer: Buffer.from(key) },
        { contentType: key.endsWith('.webp') ? 'image/webp' : 'image/png' },
      );
    }
    expect(await listKeys(s.store, `${namespace}/`)).toEqual([a, b].sort());
    const listed: { key: string; size: number; lastModified: Date }[] = [];
    for await (const file of s.store.list(`${namespace}/`)) listed.push(file);
    for (const file of listed) {
      expect(file.size).toBe(file.key.length);
      // (fs dates come from another realm than Jest's Date: check the value, not the class)
      expect(Number.isFinite(file.lastModified.getTime())).toBe(true);
    }
    expect(await listKeys(s.store)).toEqual(expect.arrayContaining([a, b, other]));
  });

  test.each([
    '../etc/passwd.png',
    '/abs/x.png',
    'a//b.png',
    '.tmp/x.png',
    'a/../b.png',
    'Upper/x.png',
    'a/b c.png',
    '',
  ])('when the key is %j, then every operation refuses it with InvalidFileKeyError', async (key) => {
    const good = pngKey();
    const attempts = [
      s.store.put(key, { buffer: Buffer.from('x') }, { contentType: 'image/png' }),
      s.store.get(key),
      s.store.stat(key),
      s.store.delete(key),
      s.store.copy(key, good),
      s.store.copy(good, key),
      s.store.signedUrl(key),
    ];
    for (const attempt of attempts) await expect(attempt).rejects.toBeInstanceOf(InvalidFileKeyError);
  });

  test('when the content type does not match the key extension, then put refuses it', async () => {
    const key = pngKey();
    await expect(
      s.store.put(key, { buffer: Buffer.from('x') }, { contentType: 'text/html' }),
    ).rejects.toThrow(/does not match/);
    expect(await s.store.exists(key)).toBe(false);
  });

  test('when a ZIP is streamed in (an archive), then its key ends in .zip and it reads back as application/zip', async () => {
    const key = fileKey('archives', owner(), 'application/zip');
    expect(key).toMatch(/\.zip$/);
    const bytes = Buffer.concat([Buffer.from('PK\x03\x04'), crypto.randomBytes(70_000)]);
    const info = await s.store.put(
      key,
      { stream: Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]) },
      { contentType: 'application/zip' },
    );
    expect(info.size).toBe(bytes.length);
    const stat = await s.store.stat(key);
    expect(stat?.contentType).toBe('application/zip');
    const file = await s.store.get(key);
    expect((await readAll(file!.stream)).equals(bytes)).toBe(true);
  });

  test('when a read URL is made, then it fetches the file and shows no path on disk', async () => {
    const key = pngKey();
    const bytes = await makePng(8, 8);
    await s.store.put(key, { buffer: bytes }, { contentType: 'image/png' });
    const url = await s.store.signedUrl(key);
    if (s.name === 'local') {
      // Served by the file route (tests/storage/file-route.test.ts); here: its shape only.
      expect(url).toMatch(new RegExp(`^/api/files/${key}\\?exp=\\d+&sig=[A-Za-z0-9_-]{43}$`));
      expect(url).not.toContain(s.root!);
      expect(url).not.toContain(TEST_SECRET);
    } else {
      expect(url).toMatch(/X-Amz-Signature=/);
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    }
  });
});

describe('LocalFileStore specifics', () => {
  let s: StoreUnderTest;
  beforeAll(() => {
    s = startLocalStore();
  });
  afterAll(() => s.close());

  test('when a file is stored, then it sits under the root at its key and no temp file is left', async () => {
    const key = pngKey();
    await s.store.put(key, { buffer: Buffer.from('bytes') }, { contentType: 'image/png' });
    expect(fs.readFileSync(path.join(s.root!, ...key.split('/')), 'utf8')).toBe('bytes');
    expect(fs.readdirSync(path.join(s.root!, LOCAL_TEMP_DIR))).toEqual([]);
  });

  test('when a stray file sits in the temp folder, then list does not report it', async () => {
    fs.mkdirSync(path.join(s.root!, LOCAL_TEMP_DIR), { recursive: true });
    fs.writeFileSync(path.join(s.root!, LOCAL_TEMP_DIR, 'crashed.part'), 'half');
    expect((await listKeys(s.store)).some((key) => key.includes('crashed'))).toBe(false);
  });
});
