import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { importArchive, ImportError, writeArchive, type ImportErrorCode } from '../../src/modules/archive';
import { storagePaths } from '../../src/storage';
import { useTestApp } from '../helpers/app';
import {
  createDrawing,
  createImage,
  createProject,
  createStory,
  createUser,
  type TestUser,
} from '../helpers/factories';
import { makeJpeg, makePng } from '../helpers/images';
import {
  patchDeclaredSize,
  patchName,
  rebuild,
  sha256,
  storedToFile,
  unzip,
  zipFile,
  zipScratch,
} from './zips';

const t = useTestApp();

let scratch: string;
/** The entries of a real two-project archive: "Small" (a story, no files), then "Big" (files). */
let good: Array<[string, Buffer]>;
let bigFolder: string;
let importer: TestUser;

interface ProjectDoc {
  project: { id: string; title: string; version: number };
  images: Array<{
    id: string;
    sizeBytes: number;
    sha256: string;
    file: string;
    originalFilename: string | null;
  }>;
  drawings: Array<{ png: { file: string; sizeBytes: number } | null }>;
  stories: Array<{ title: string; content: string }>;
}

const MAX_UPLOAD = () => t.config.storage.maxUploadBytes;

beforeAll(async () => {
  scratch = zipScratch();
  const owner = await createUser(t);
  const small = await createProject(t, owner, { title: 'Small' });
  await createStory(t, owner, small.id, { title: 'Hello', content: 'hello world' });
  const big = await createProject(t, owner, { title: 'Big' });
  await createStory(t, owner, big.id, { title: 'Long', content: 'word '.repeat(100) });
  await createImage(t, owner, big.id, { position: 1 }, { bytes: await makePng(30, 20, { noise: true }) });
  await createImage(t, owner, big.id, { position: 2 }, { bytes: await makePng(31, 21, { noise: true }) });
  await createDrawing(t, owner, big.id, {}, await makePng(40, 30, { noise: true }));
  const written = await writeArchive(t.ctx, owner.id);
  const file = path.join(scratch, 'good.zip');
  await storedToFile(t.ctx.store, written.key, file);
  good = await unzip(file);
  bigFolder = `projects/${big.id}`;
  importer = await createUser(t);
});

afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

let n = 0;
async function write(
  entries: ReadonlyArray<readonly [string, Buffer]>,
  options: { compress?: boolean } = {},
): Promise<string> {
  return zipFile(path.join(scratch, `case-${++n}.zip`), entries, options);
}

function editBig(entries: Map<string, Buffer>, edit: (doc: ProjectDoc) => void): void {
  const name = `${bigFolder}/project.json`;
  const doc = JSON.parse(entries.get(name)!.toString()) as ProjectDoc;
  edit(doc);
  entries.set(name, Buffer.from(JSON.stringify(doc)));
}

async function leftovers(user: TestUser) {
  const { rows } = await t.db.query<{ projects: number; used: number }>(
    `SELECT (SELECT count(*)::int FROM projects WHERE user_id = $1) AS projects,
            (SELECT storage_used_bytes FROM users WHERE id = $1) AS used`,
    [user.id],
  );
  const files: string[] = [];
  for (const prefix of [`images/${user.id}/`, `drawings/${user.id}/`]) {
    for await (const file of t.ctx.store.list(prefix)) files.push(file.key);
  }
  const temp = fs.existsSync(storagePaths(t.config).uploads)
    ? fs.readdirSync(storagePaths(t.config).uploads)
    : [];
  return { projects: rows[0].projects, used: Number(rows[0].used), files, temp };
}

async function expectRefused(
  file: string,
  code: ImportErrorCode,
  message: RegExp,
  options: { maxUploadBytes?: number; user?: TestUser; projectsImported?: number } = {},
): Promise<ImportError> {
  const user = options.user ?? importer;
  const before = await leftovers(user);
  const error = await importArchive(t.ctx, user.id, file, {
    maxUploadBytes: options.maxUploadBytes ?? MAX_UPLOAD(),
  }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImportError);
  const refusal = error as ImportError;
  expect({ code: refusal.code, message: refusal.message }).toEqual({
    code,
    message: expect.stringMatching(message),
  });
  expect(refusal.projectsImported).toBe(options.projectsImported ?? 0);
  if ((options.projectsImported ?? 0) === 0) expect(await leftovers(user)).toEqual(before);
  return refusal;
}

test('when the archive is rebuilt unchanged, then it imports (the refusals below differ from it in one thing)', async () => {
  const user = await createUser(t);
  const file = await write(rebuild(good, () => undefined));
  await expect(importArchive(t.ctx, user.id, file, { maxUploadBytes: MAX_UPLOAD() })).resolves.toEqual({
    projectsImported: 2,
  });
  const after = await leftovers(user);
  expect(after.projects).toBe(2);
  expect(after.files).toHaveLength(5); // two originals, two thumbnails, one drawing PNG
  expect(after.temp).toEqual([]);
});

describe('not an archive', () => {
  test('when the file is a PNG, empty, or a truncated ZIP, then NOT_A_ZIP', async () => {
    const png = path.join(scratch, 'image.png');
    fs.writeFileSync(png, await makePng(10, 10));
    await expectRefused(png, 'NOT_A_ZIP', /not a ZIP/);
    const empty = path.join(scratch, 'empty.zip');
    fs.writeFileSync(empty, '');
    await expectRefused(empty, 'NOT_A_ZIP', /not a ZIP/);
    const whole = fs.readFileSync(await write(good));
    const cut = path.join(scratch, 'cut.zip');
    fs.writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 2)));
    await expectRefused(cut, 'NOT_A_ZIP', /not a ZIP/);
  });

  test('when the ZIP has no manifest.json, then UNSUPPORTED_FORMAT_VERSION', async () => {
    await expectRefused(
      await write(good.filter(([name]) => name !== 'manifest.json')),
      'UNSUPPORTED_FORMAT_VERSION',
      /no manifest\.json/,
    );
  });

  test('when the format version is 2, missing, or the format is another, then UNSUPPORTED_FORMAT_VERSION', async () => {
    await expectRefused(
      await write(rebuild(good, (_e, m) => Object.assign(m, { formatVersion: 2 }))),
      'UNSUPPORTED_FORMAT_VERSION',
      /format version is 2; this server reads version 1/,
    );
    await expectRefused(
      await write(
        rebuild(good, (_e, m) => {
          delete (m as Partial<typeof m>).formatVersion;
        }),
      ),
      'UNSUPPORTED_FORMAT_VERSION',
      /format version is null/,
    );
    await expectRefused(
      await write(rebuild(good, (_e, m) => Object.assign(m, { format: 'other-archive' }))),
      'UNSUPPORTED_FORMAT_VERSION',
      /not describe a ColorBook archive/,
    );
  });
});

describe('zip-slip', () => {
  test.each([
    ['a parent folder', 'zz/evil.json', '../evil.json'],
    ['a parent folder inside', 'projects/zz/evil.json', 'projects/../evil.json'],
    ['an absolute path', 'xetc/evil.json', '/etc/evil.json'],
    ['a backslash', 'projectsXevil.json', 'projects\\evil.json'],
    ['a drive letter', 'cXwindows.json', 'c:windows.json'],
  ])(
    'when an entry name has %s (%s), then UNSAFE_PATH and nothing is kept',
    async (_what, placeholder, hostile) => {
      const file = await write(rebuild(good, (entries) => entries.set(placeholder, Buffer.from('{}'))));
      const patched = path.join(scratch, `slip-${++n}.zip`);
      fs.writeFileSync(patched, patchName(fs.readFileSync(file), placeholder, hostile));
      await expectRefused(patched, 'UNSAFE_PATH', /points outside the archive/);
    },
  );

  test('when an entry is named like no part of an archive, then INVALID_ARCHIVE', async () => {
    await expectRefused(
      await write(rebuild(good, (entries) => entries.set('notes/readme.txt', Buffer.from('hi')))),
      'INVALID_ARCHIVE',
      /notes\/readme\.txt.*not part of a ColorBook archive/,
    );
  });
});

describe('ZIP bombs', () => {
  test('when the ZIP has more than 10,000 entries, then ZIP_BOMB before any is read', async () => {
    const entries: Array<[string, Buffer]> = [];
    for (let i = 0; i <= 10_000; i++)
      entries.push([`projects/${crypto.randomUUID()}/project.json`, Buffer.alloc(0)]);
    // Stored, not deflated: 10,001 deflate streams take yazl half a minute.
    await expectRefused(
      await write(entries, { compress: false }),
      'ZIP_BOMB',
      /10001 entries; at most 10000/,
    );
  });

  test('when the entries declare more than 20× the upload limit, then ZIP_BOMB', async () => {
    const total = good.reduce((sum, [, bytes]) => sum + bytes.length, 0);
    await expectRefused(await write(good), 'ZIP_BOMB', /20× the upload limit/, {
      maxUploadBytes: Math.floor(total / 20) - 1,
    });
  });

  test('when an entry inflates past what its headers and the manifest declare, then ZIP_BOMB while inflating', async () => {
    const bomb = Buffer.alloc(4 * 1024 * 1024, ' ');
    const entries = rebuild(
      good,
      (e, m) => {
        e.set('account.json', bomb);
        m.entries = [...e.entries()].map(([name, bytes]) => ({
          path: name,
          size: name === 'account.json' ? 10 : bytes.length,
          sha256: sha256(bytes),
        }));
      },
      { keepManifest: true },
    );
    const file = await write(entries);
    const lying = path.join(scratch, `lying-${++n}.zip`);
    fs.writeFileSync(lying, patchDeclaredSize(fs.readFileSync(file), 'account.json', 10));
    await expectRefused(lying, 'ZIP_BOMB', /account\.json unpacks to more bytes/);
  });
});

describe('a manifest that lies', () => {
  const png = () => good.find(([name]) => name.startsWith(`${bigFolder}/images/`))![0];

  test('when a file differs from its SHA-256 in the manifest, then MANIFEST_MISMATCH', async () => {
    const entries = rebuild(
      good,
      (e) => {
        const bytes = Buffer.from(e.get(png())!);
        bytes[bytes.length - 20] ^= 0xff;
        e.set(png(), bytes);
      },
      { keepManifest: true },
    );
    await expectRefused(await write(entries), 'MANIFEST_MISMATCH', /not the file the manifest lists/);
  });

  test('when the manifest lists a file the ZIP lacks, then MANIFEST_MISMATCH', async () => {
    const entries = rebuild(good, (e) => e.delete(png()), { keepManifest: true });
    await expectRefused(await write(entries), 'MANIFEST_MISMATCH', /which the ZIP does not hold/);
  });

  test('when the ZIP holds a file the manifest does not list, then MANIFEST_MISMATCH', async () => {
    const extra = `${bigFolder}/images/${crypto.randomUUID()}.png`;
    const entries = rebuild(good, (e) => e.set(extra, Buffer.from('x')), { keepManifest: true });
    await expectRefused(await write(entries), 'MANIFEST_MISMATCH', /which the manifest does not list/);
  });

  test('when the manifest gives a file another size, then MANIFEST_MISMATCH', async () => {
    const entries = rebuild(
      good,
      (_e, m) => {
        m.entries.find((entry) => entry.path === png())!.size += 1;
      },
      { keepManifest: true },
    );
    await expectRefused(await write(entries), 'MANIFEST_MISMATCH', /not the size the manifest lists/);
  });

  test('when the manifest counts other numbers of projects, then MANIFEST_MISMATCH', async () => {
    const entries = rebuild(good, (_e, m) => Object.assign(m.counts, { projects: 3 }));
    await expectRefused(await write(entries), 'MANIFEST_MISMATCH', /counts 3 projects; the archive holds 2/);
  });

  test('when project.json says an image has another SHA-256 than the manifest, then MANIFEST_MISMATCH', async () => {
    const entries = rebuild(good, (e) => editBig(e, (doc) => (doc.images[0].sha256 = '0'.repeat(64))));
    await expectRefused(await write(entries), 'MANIFEST_MISMATCH', /is not the file the manifest lists/);
  });
});

describe('file types and contents', () => {
  test('when an image .png holds JPEG bytes (manifest and project.json agreeing), then FILE_TYPE_MISMATCH', async () => {
    const jpeg = await makeJpeg(30, 20);
    const entries = rebuild(good, (e) => {
      const name = good.find(([entry]) => entry.startsWith(`${bigFolder}/images/`))![0];
      e.set(name, jpeg);
      editBig(e, (doc) => {
        const image = doc.images.find((i) => i.file === name)!;
        Object.assign(image, { sizeBytes: jpeg.length, sha256: sha256(jpeg) });
      });
    });
    await expectRefused(await write(entries), 'FILE_TYPE_MISMATCH', /are not image\/png \(image\/jpeg\)/);
  });

  test('when a drawing PNG holds text, then FILE_TYPE_MISMATCH', async () => {
    const text = Buffer.from('not a png at all');
    const entries = rebuild(good, (e) => {
      const name = good.find(([entry]) => /\/drawings\/.*\.png$/.test(entry))![0];
      e.set(name, text);
      editBig(e, (doc) => (doc.drawings.find((d) => d.png)!.png!.sizeBytes = text.length));
    });
    await expectRefused(await write(entries), 'FILE_TYPE_MISMATCH', /are not image\/png/);
  });

  test('when the second image of a project does not decode, then FILE_TYPE_MISMATCH and the first one stored is removed again', async () => {
    const user = await createUser(t);
    const entries = rebuild(good, (e) => {
      editBig(e, (doc) => {
        const second = doc.images[1];
        const broken = e.get(second.file)!.subarray(0, 120); // a PNG signature and header, no image data
        e.set(second.file, broken);
        Object.assign(second, { sizeBytes: broken.length, sha256: sha256(broken) });
      });
    });
    await expectRefused(await write(entries), 'FILE_TYPE_MISMATCH', /"Big".*not usable/, {
      user,
      projectsImported: 1,
    });
    const after = await leftovers(user);
    expect(after.projects).toBe(1); // "Small", imported before; nothing of "Big"
    expect(after.files).toEqual([]);
    expect(after.temp).toEqual([]);
  });

  test('when project.json is not JSON, has an unknown key, or breaks a limit, then INVALID_ARCHIVE', async () => {
    const name = `${bigFolder}/project.json`;
    await expectRefused(
      await write(rebuild(good, (e) => e.set(name, Buffer.from('{"project":')))),
      'INVALID_ARCHIVE',
      /project\.json is not valid JSON/,
    );
    await expectRefused(
      await write(rebuild(good, (e) => editBig(e, (doc) => Object.assign(doc, { extra: 1 })))),
      'INVALID_ARCHIVE',
      /"extra" is not allowed/,
    );
    await expectRefused(
      await write(rebuild(good, (e) => editBig(e, (doc) => (doc.stories[0].title = 'x'.repeat(201))))),
      'INVALID_ARCHIVE',
      /title.*less than or equal to 200/,
    );
  });

  test('when a project.json points to a file of another project or to no story, then INVALID_ARCHIVE', async () => {
    await expectRefused(
      await write(
        rebuild(good, (e) =>
          editBig(e, (doc) => Object.assign(doc.images[0], { storyId: crypto.randomUUID() })),
        ),
      ),
      'INVALID_ARCHIVE',
      /unknown story/,
    );
    await expectRefused(
      await write(
        rebuild(good, (e) =>
          editBig(
            e,
            (doc) => (doc.images[0].file = doc.images[0].file.replace(/projects\/[^/]+/, 'projects/x')),
          ),
        ),
      ),
      'INVALID_ARCHIVE',
      /wrong file/,
    );
  });
});

describe('what an import makes of what it accepts', () => {
  test("when a project's history does not end at its version, then INVALID_ARCHIVE", async () => {
    await expectRefused(
      await write(rebuild(good, (e) => editBig(e, (doc) => (doc.project.version += 1)))),
      'INVALID_ARCHIVE',
      /history does not end at the project's version/,
    );
  });

  test("when an image's original file name has a path and control characters, then it is reduced as an upload's is", async () => {
    const user = await createUser(t);
    const entries = rebuild(good, (e) =>
      editBig(e, (doc) =>
        Object.assign(doc.images[0], { originalFilename: '../../etc/\u0007whale\u202e.png' }),
      ),
    );
    await importArchive(t.ctx, user.id, await write(entries), { maxUploadBytes: MAX_UPLOAD() });
    const { rows } = await t.db.query<{ name: string | null }>(
      'SELECT original_filename AS name FROM images WHERE user_id = $1 ORDER BY position',
      [user.id],
    );
    expect(rows.map((r) => r.name)).toEqual(['whale.png', 'page.png']);
  });
});

describe('the storage limit', () => {
  const limit = () => t.config.plans.free.storageLimitBytes;
  const bigFileBytes = () => {
    const doc = JSON.parse(
      good.find(([name]) => name === `${bigFolder}/project.json`)![1].toString(),
    ) as ProjectDoc;
    return (
      doc.images.reduce((sum, i) => sum + i.sizeBytes, 0) +
      doc.drawings.reduce((sum, d) => sum + (d.png?.sizeBytes ?? 0), 0)
    );
  };

  test('when a project does not fit at all, then STORAGE_QUOTA_EXCEEDED, the projects before it stay and nothing of it is kept', async () => {
    const user = await createUser(t);
    await t.db.query('UPDATE users SET storage_used_bytes = $2 WHERE id = $1', [user.id, limit() - 1000]);
    await expectRefused(await write(good), 'STORAGE_QUOTA_EXCEEDED', /"Big" does not fit in your storage/, {
      user,
      projectsImported: 1,
    });
    const after = await leftovers(user);
    expect(after.projects).toBe(1);
    expect(after.files).toEqual([]);
  });

  test('when its files fit but its files and text do not, then the files stored are removed on rollback', async () => {
    const user = await createUser(t);
    // Room for the files and "Small" (11 bytes of text), not for "Big"'s 500 bytes of story text on top.
    await t.db.query('UPDATE users SET storage_used_bytes = $2 WHERE id = $1', [
      user.id,
      limit() - bigFileBytes() - 100,
    ]);
    await expectRefused(await write(good), 'STORAGE_QUOTA_EXCEEDED', /"Big" does not fit/, {
      user,
      projectsImported: 1,
    });
    const after = await leftovers(user);
    expect(after.projects).toBe(1);
    expect(after.files).toEqual([]);
    expect(after.used).toBe(limit() - bigFileBytes() - 100 + 11);
  });
});

describe('cancelling', () => {
  test('when the signal fires while the archive is checked, then ABORTED and nothing is kept', async () => {
    const controller = new AbortController();
    const before = await leftovers(importer);
    const error = await importArchive(t.ctx, importer.id, await write(good), {
      maxUploadBytes: MAX_UPLOAD(),
      signal: controller.signal,
      onProgress: () => controller.abort(),
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ABORTED', projectsImported: 0 });
    expect(await leftovers(importer)).toEqual(before);
  });

  test('when the signal fires while a project is imported, then ABORTED and nothing of that project is kept', async () => {
    const user = await createUser(t);
    const controller = new AbortController();
    let importing = 0;
    const error = await importArchive(t.ctx, user.id, await write(good), {
      maxUploadBytes: MAX_UPLOAD(),
      signal: controller.signal,
      // Past the check (30 %), pass 2 reads: "Small"'s project.json, "Big"'s, then Big's first image, which
      // is stored before the signal is seen (before the second image).
      onProgress: (f) => f > 0.3 && ++importing === 3 && controller.abort(),
    }).catch((e: unknown) => e);
    expect(importing).toBeGreaterThanOrEqual(3);
    expect(error).toMatchObject({
      code: 'ABORTED',
      projectsImported: 1,
      message: 'The import was cancelled during the project "Big"',
    });
    const after = await leftovers(user);
    expect(after.projects).toBe(1);
    expect(after.files).toEqual([]);
  });
});
