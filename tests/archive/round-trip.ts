import fs from 'node:fs';
import path from 'node:path';
import { importArchive, writeArchive, type ArchiveCounts } from '../../src/modules/archive';
import type { TestApp } from '../helpers/app';
import {
  addMember,
  createDrawing,
  createImage,
  createProject,
  createStory,
  createTemplate,
  createUser,
  type TestUser,
} from '../helpers/factories';
import { makeJpeg, makePng } from '../helpers/images';
import { sha256, storedToFile, unzip, zipScratch } from './zips';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface Seeded {
  owner: TestUser;
  projectIds: string[];
  /** The bytes uploaded, by the image or drawing id they were uploaded as. */
  files: Map<string, Buffer>;
  sharedProjectId: string;
}

/**
 * Seeds, through the API, an owner with two projects — one with stories, a PNG and a JPEG (one on a
 * story), two drawings (one with a rendered PNG and an image), a cover and a few versions; one empty with
 * settings — a template and a rating, and a project someone else shared with them.
 */
export async function seedAccount(t: TestApp): Promise<Seeded> {
  const owner = await createUser(t, { displayName: 'Ada Archive' });
  await t
    .http()
    .patch('/api/users/me')
    .set(owner.auth)
    .send({ settings: { theme: 'dark' } })
    .expect(200);
  const files = new Map<string, Buffer>();
  const p1 = await createProject(t, owner, {
    title: 'Ocean animals',
    description: 'Creatures of the sea',
    category: 'animals',
    tags: ['sea', 'kids'],
    settings: { ageGroup: '4-6', pageSize: 'A4' },
  });
  const s1 = await createStory(t, owner, p1.id, {
    title: 'The whale who sang',
    content: 'Deep in the sea, a whale sang to the moon. Ünïcödé 🐋 too.',
    imagePrompts: ['a whale singing', 'the moon'],
    position: 2,
    metadata: { mood: 'calm' },
  });
  await createStory(t, owner, p1.id, { title: 'The crab', content: '', position: 1 });
  const png = await makePng(40, 30, { noise: true });
  const i1 = await createImage(
    t,
    owner,
    p1.id,
    {
      storyId: s1.id,
      title: 'Whale page',
      prompt: 'a whale',
      provider: 'openai',
      model: 'gpt-image-1',
      position: 3,
      metadata: { seed: 42 },
    },
    { bytes: png, filename: 'whale.png' },
  );
  files.set(i1.id, png);
  const jpeg = await makeJpeg(50, 40, { noise: true });
  const i2 = await createImage(t, owner, p1.id, { kind: 'cover' }, { bytes: jpeg, filename: 'cover.jpg' });
  files.set(i2.id, jpeg);
  const rendered = await makePng(80, 60, { noise: true });
  const d1 = await createDrawing(t, owner, p1.id, { imageId: i1.id, title: 'Coloring one' }, rendered);
  files.set(d1.id, rendered);
  await createDrawing(t, owner, p1.id, { data: [{ tool: 'fill', at: [1, 2] }], width: 300, height: 200 });
  await t
    .http()
    .put(`/api/projects/${p1.id}`)
    .set(owner.auth)
    .send({ coverImageId: i2.id, status: 'in_progress' })
    .expect(200);
  await t
    .http()
    .put(`/api/projects/${p1.id}`)
    .set(owner.auth)
    .send({ title: 'Ocean animals II' })
    .expect(200);
  const p2 = await createProject(t, owner, { title: 'Empty book', settings: { style: 'bold' } });

  const other = await createUser(t);
  const shared = await createProject(t, other, { title: 'Not mine' });
  await addMember(t, shared, owner, 'editor');
  await createTemplate(t, owner, { title: 'My template', isPublic: true });
  const theirs = await createTemplate(t, other, { title: 'Their template', isPublic: true });
  await t.http().put(`/api/templates/${theirs.id}/ratings`).set(owner.auth).send({ rating: 4 }).expect(200);
  return { owner, projectIds: [p1.id, p2.id], files, sharedProjectId: shared.id };
}

/** What the API shows of a project, its children and its history, with the ids named by position. */
export async function snapshotProjects(t: TestApp, user: TestUser, projectIds: readonly string[]) {
  const names = new Map<string, string>();
  const raw: unknown[] = [];
  for (const [n, id] of projectIds.entries()) {
    const res = await t
      .http()
      .get(`/api/projects/${id}?include=stories,images,drawings`)
      .set(user.auth)
      .expect(200);
    const project = res.body as {
      id: string;
      stories: Array<{ id: string }>;
      images: Array<{ id: string }>;
      drawings: Array<{ id: string }>;
    };
    names.set(project.id, `project${n}`);
    project.stories.forEach((s, i) => names.set(s.id, `project${n}.story${i}`));
    project.images.forEach((s, i) => names.set(s.id, `project${n}.image${i}`));
    project.drawings.forEach((s, i) => names.set(s.id, `project${n}.drawing${i}`));
    const versions = await t.http().get(`/api/projects/${id}/versions?limit=100`).set(user.auth).expect(200);
    const snapshots = [];
    for (const v of versions.body.data as Array<{ version: number }>) {
      snapshots.push(
        (await t.http().get(`/api/projects/${id}/versions/${v.version}`).set(user.auth).expect(200)).body,
      );
    }
    raw.push({ project, versions: versions.body.data, snapshots });
  }
  const normal = normalize(raw, names);
  return { names, normal, raw };
}

/** Ids → their names; signed URLs (new every time) left out. */
function normalize(value: unknown, names: Map<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => normalize(v, names));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !/url$/i.test(key))
        .map(([key, v]) => [key, normalize(v, names)]),
    );
  }
  if (typeof value === 'string' && UUID.test(value) && names.has(value)) return `#${names.get(value)}`;
  return value;
}

async function storedBytes(t: TestApp, sql: string, id: string): Promise<Buffer> {
  const { rows } = await t.db.query<{ key: string }>(sql, [id]);
  const file = await t.ctx.store.get(rows[0].key);
  const chunks: Buffer[] = [];
  for await (const chunk of file!.stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function usedBytes(t: TestApp, user: TestUser): Promise<number> {
  return (await t.http().get('/api/auth/me').set(user.auth).expect(200)).body.storageUsedBytes as number;
}

/** The round trip: archive → delete the projects → import → everything equal but the ids. */
export function describeRoundTrip(label: string, t: TestApp): void {
  describe(`archive round trip (${label})`, () => {
    let scratch: string;
    beforeAll(() => {
      scratch = zipScratch();
    });
    afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

    test('when an account is archived, its projects deleted and the archive imported, then every field, story, drawing and file is back under new ids', async () => {
      const seeded = await seedAccount(t);
      const { owner } = seeded;
      const before = await snapshotProjects(t, owner, seeded.projectIds);
      const usedBefore = await usedBytes(t, owner);

      const progress: number[] = [];
      const written = await writeArchive(t.ctx, owner.id, { onProgress: (f) => progress.push(f) });
      expect(written.key).toMatch(new RegExp(`^archives/${owner.id}/[0-9a-f-]{36}\\.zip$`));
      const expectedCounts: ArchiveCounts = {
        projects: 2,
        versions: 4,
        stories: 2,
        images: 2,
        drawings: 2,
        templates: 1,
        ratings: 1,
      };
      expect(written.counts).toEqual(expectedCounts);
      expect(progress.at(-1)).toBe(1);
      expect([...progress].sort((a, b) => a - b)).toEqual(progress);

      const zipPath = path.join(scratch, 'archive.zip');
      const bytes = await storedToFile(t.ctx.store, written.key, zipPath);
      expect(bytes.length).toBe(written.sizeBytes);
      expect(sha256(bytes)).toBe(written.sha256);
      expect((await t.ctx.store.stat(written.key))?.contentType).toBe('application/zip');

      // The archive as docs/archive.md describes it; the manifest is last and vouches for every entry.
      const entries = await unzip(zipPath);
      const names = entries.map(([name]) => name);
      expect(names.at(-1)).toBe('manifest.json');
      const manifest = JSON.parse(entries.at(-1)![1].toString());
      expect(manifest).toMatchObject({
        format: 'colorbook-archive',
        formatVersion: 1,
        counts: expectedCounts,
      });
      expect(manifest.entries.map((e: { path: string }) => e.path)).toEqual(names.slice(0, -1));
      for (const [name, data] of entries.slice(0, -1)) {
        const listed = manifest.entries.find((e: { path: string }) => e.path === name);
        expect({ name, size: listed.size, sha256: listed.sha256 }).toEqual({
          name,
          size: data.length,
          sha256: sha256(data),
        });
      }
      const [p1, p2] = seeded.projectIds;
      expect(names).toEqual(
        expect.arrayContaining([
          'account.json',
          'templates.json',
          'ratings.json',
          `projects/${p1}/project.json`,
          `projects/${p2}/project.json`,
        ]),
      );
      expect(names.some((n) => n.includes(seeded.sharedProjectId))).toBe(false);
      for (const [id, original] of seeded.files) {
        const entry = entries.find(([name]) => name.includes(id) && !name.endsWith('.json'));
        expect(entry?.[1].equals(original)).toBe(true);
      }
      const account = JSON.parse(entries.find(([n]) => n === 'account.json')![1].toString());
      expect(account.user).toMatchObject({
        id: owner.id,
        email: owner.email,
        displayName: 'Ada Archive',
        settings: { theme: 'dark' },
      });

      for (const id of seeded.projectIds) {
        await t.http().delete(`/api/projects/${id}`).set(owner.auth).expect(204);
      }
      // What stays is the template's text (templates are archived, not imported).
      expect(await usedBytes(t, owner)).toBeLessThan(usedBefore - 1000);

      const importProgress: number[] = [];
      const result = await importArchive(t.ctx, owner.id, zipPath, {
        maxUploadBytes: t.config.storage.maxUploadBytes,
        onProgress: (f) => importProgress.push(f),
      });
      expect(result).toEqual({ projectsImported: 2 });
      expect(importProgress.at(-1)).toBe(1);

      const list = await t.http().get('/api/projects?sort=createdAt&role=owner').set(owner.auth).expect(200);
      const newIds = (list.body.data as Array<{ id: string }>).map((p) => p.id);
      expect(newIds).toHaveLength(2);
      for (const id of newIds) expect(seeded.projectIds).not.toContain(id);
      const after = await snapshotProjects(t, owner, newIds);
      // The comparison below compares something: references by name, the cover re-pointed in the history.
      expect(JSON.stringify(before.normal)).toContain('"coverImageId":"#project0.image1"');
      expect(JSON.stringify(before.normal)).toContain('"imageId":"#project0.image0"');
      expect(after.normal).toEqual(before.normal);
      for (const id of after.names.keys()) expect(before.names.has(id)).toBe(false);

      // Every file byte for byte, each under a new key with its thumbnail.
      for (const [oldId, original] of seeded.files) {
        const name = before.names.get(oldId)!;
        const newId = [...after.names].find(([, n]) => n === name)![0];
        const sql = name.includes('drawing')
          ? 'SELECT png_key AS key FROM drawings WHERE id = $1'
          : 'SELECT storage_key AS key FROM images WHERE id = $1';
        expect((await storedBytes(t, sql, newId)).equals(original)).toBe(true);
        if (!name.includes('drawing')) {
          const thumb = await storedBytes(t, 'SELECT thumbnail_key AS key FROM images WHERE id = $1', newId);
          expect(thumb.subarray(8, 12).toString()).toBe('WEBP');
        }
      }
      expect(await usedBytes(t, owner)).toBe(usedBefore);
    });
  });
}
