import crypto from 'node:crypto';
import { fileKey } from '../../src/storage/file-store';
import { referencedFileKeys } from '../../src/storage/file-references';
import { collectGarbage } from '../../src/storage/gc';
import { useTestApp } from '../helpers/app';
import { listKeys, startLocalStore, startS3Store, type StoreUnderTest } from './stores';

const HOUR = 60 * 60 * 1000;
const later = (ms: number) => () => Date.now() + ms;

describe.each([
  ['local', async () => startLocalStore()],
  ['s3', startS3Store],
] as const)('storage gc on the %s store', (_name, start) => {
  let s: StoreUnderTest;
  beforeAll(async () => {
    s = await start();
  });
  afterAll(() => s?.close());

  /** A fresh namespace with a referenced file, an orphan and a referenced key without a file. */
  async function arrange() {
    const prefix = `gc-${crypto.randomBytes(4).toString('hex')}`;
    const owner = crypto.randomUUID();
    const kept = fileKey(prefix, owner, 'image/png');
    const orphan = fileKey(prefix, owner, 'image/png');
    const missing = fileKey(prefix, owner, 'image/png');
    for (const key of [kept, orphan]) {
      await s.store.put(key, { buffer: Buffer.from(key) }, { contentType: 'image/png' });
    }
    return { prefix: `${prefix}/`, kept, orphan, missing, referencedKeys: async () => [kept, missing] };
  }

  test('when an unreferenced file is older than the grace period, then it is deleted and referenced ones stay', async () => {
    const { prefix, kept, orphan, missing, referencedKeys } = await arrange();
    const report = await collectGarbage({
      store: s.store,
      referencedKeys,
      prefix,
      graceMs: HOUR,
      now: later(2 * HOUR),
    });
    expect(report).toMatchObject({
      scanned: 2,
      referenced: 2,
      orphans: [orphan],
      deleted: 1,
      young: 0,
      missing: [missing],
      failed: [],
      dryRun: false,
    });
    expect(await listKeys(s.store, prefix)).toEqual([kept]);
  });

  test('when an unreferenced file is inside the grace period (an upload in flight), then it is kept', async () => {
    const { prefix, kept, orphan, referencedKeys } = await arrange();
    const report = await collectGarbage({ store: s.store, referencedKeys, prefix, graceMs: HOUR });
    expect(report).toMatchObject({ orphans: [], deleted: 0, young: 1 });
    expect(await listKeys(s.store, prefix)).toEqual([kept, orphan].sort());
  });

  test('when it is a dry run, then orphans are reported and nothing is deleted', async () => {
    const { prefix, kept, orphan, referencedKeys } = await arrange();
    const report = await collectGarbage({
      store: s.store,
      referencedKeys,
      prefix,
      graceMs: HOUR,
      now: later(2 * HOUR),
      dryRun: true,
    });
    expect(report).toMatchObject({ orphans: [orphan], deleted: 0, dryRun: true });
    expect(await listKeys(s.store, prefix)).toEqual([kept, orphan].sort());
  });

  test('when a referenced file appears after the listing, then it is not reported missing', async () => {
    const { prefix, kept, missing } = await arrange();
    const report = await collectGarbage({
      store: s.store,
      prefix,
      referencedKeys: async () => {
        // Stored and recorded while the collector runs.
        await s.store.put(missing, { buffer: Buffer.from('late') }, { contentType: 'image/png' });
        return [kept, missing];
      },
      graceMs: HOUR,
      now: later(2 * HOUR),
    });
    expect(report.missing).toEqual([]);
    expect(await s.store.exists(missing)).toBe(true);
  });
});

describe('referencedFileKeys', () => {
  const t = useTestApp();

  test('when key columns are listed, then their distinct non-null keys come back from one query', async () => {
    await t.db.exec(`
      CREATE TABLE gc_test_images (file_key text NOT NULL, thumb_key text);
      CREATE TABLE gc_test_drawings (png_key text);
      INSERT INTO gc_test_images VALUES ('a/1.png', 'a/1-thumb.webp'), ('a/2.png', NULL);
      INSERT INTO gc_test_drawings VALUES ('d/1.png'), (NULL), ('a/2.png');
    `);
    const keys = await referencedFileKeys(t.db, [
      { table: 'gc_test_images', column: 'file_key' },
      { table: 'gc_test_images', column: 'thumb_key' },
      { table: 'gc_test_drawings', column: 'png_key' },
    ]);
    expect([...keys].sort()).toEqual(['a/1-thumb.webp', 'a/1.png', 'a/2.png', 'd/1.png']);
  });

  test('when no columns are registered, then no keys; a bad identifier is refused', async () => {
    expect(await referencedFileKeys(t.db, [])).toEqual(new Set());
    await expect(
      referencedFileKeys(t.db, [{ table: 'users; DROP TABLE users', column: 'id' }]),
    ).rejects.toThrow(/Bad identifier/);
  });
});
