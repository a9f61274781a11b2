/**
 * The seam the files module plugs into: a child kind registered with registerProjectChild and a cover
 * check set with setCoverImageCheck. Here a stand-in "images" kind lives in this file's own database
 * (a real table, real files on disk), the way the files module's images will.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Database } from '../../src/db/database';
import { registerProjectChild, setCoverImageCheck } from '../../src/modules/projects/projects.service';
import { useTestApp } from '../helpers/app';
import { createProject, createStory, createUser, type TestUser } from '../helpers/factories';

const t = useTestApp({ captureLogs: true, validateResponses: true });

let user: TestUser;
const fileOf = (name: string) => path.join(t.dataDir, name);

async function insertImage(projectId: string, storyId: string | null, name: string, failCopy = false) {
  fs.writeFileSync(fileOf(name), `bytes of ${name}`);
  const { rows } = await t.db.query<{ id: string }>(
    `INSERT INTO test_images (user_id, project_id, story_id, file, fail_copy) VALUES ($1, $2, $3, $4, $5)
     RETURNING id`,
    [user.id, projectId, storyId, name, failCopy],
  );
  return rows[0].id;
}

const imagesOf = async (projectId: string) =>
  (
    await t.db.query<{ id: string; storyId: string | null; file: string }>(
      'SELECT id, story_id AS "storyId", file FROM test_images WHERE project_id = $1 ORDER BY file',
      [projectId],
    )
  ).rows;

const undo: Array<() => void> = [];

beforeAll(async () => {
  user = await createUser(t);
  // The stand-in images table below takes the real images table's place as the cover's target.
  await t.db.exec('ALTER TABLE projects DROP CONSTRAINT projects_cover_image_fkey');
  await t.db.exec(`
    CREATE TABLE test_images (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL,
      project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
      story_id uuid REFERENCES stories (id) ON DELETE SET NULL,
      file text NOT NULL,
      fail_copy boolean NOT NULL DEFAULT false,
      -- A real failure for one copy: a row marked fail_copy cannot be stored under a copied file's name.
      CHECK (NOT (fail_copy AND file LIKE '%.copy'))
    )`);
  undo.push(
    registerProjectChild({
      name: 'images',
      order: 20,
      load: async (_ctx, tx: Database, scope) =>
        (
          await tx.query(
            `SELECT id, story_id AS "storyId", file FROM test_images WHERE project_id = $1 AND user_id = $2
              ORDER BY file`,
            [scope.projectId, scope.userId],
          )
        ).rows,
      copy: async (step) => {
        const { rows } = await step.tx.query<{
          id: string;
          storyId: string | null;
          file: string;
          failCopy: boolean;
        }>(
          `SELECT id, story_id AS "storyId", file, fail_copy AS "failCopy" FROM test_images
            WHERE project_id = $1 AND user_id = $2 ORDER BY file`,
          [step.fromProjectId, step.userId],
        );
        for (const row of rows) {
          const copied = `${row.file}.copy`;
          fs.copyFileSync(fileOf(row.file), fileOf(copied));
          step.onRollback(async () => fs.rmSync(fileOf(copied), { force: true }));
          const inserted = await step.tx.query<{ id: string }>(
            `INSERT INTO test_images (user_id, project_id, story_id, file, fail_copy) VALUES ($1, $2, $3, $4, $5)
             RETURNING id`,
            [
              step.userId,
              step.toProjectId,
              row.storyId ? step.idMap.get(row.storyId) : null,
              copied,
              row.failCopy,
            ],
          );
          step.idMap.set(row.id, inserted.rows[0].id);
        }
      },
      beforeProjectDelete: async (_ctx, tx, scope) => {
        const { rows } = await tx.query<{ file: string }>(
          'SELECT file FROM test_images WHERE project_id = $1 AND user_id = $2',
          [scope.projectId, scope.userId],
        );
        return async () => rows.forEach((row) => fs.rmSync(fileOf(row.file), { force: true }));
      },
    }),
    setCoverImageCheck(async (tx, scope, imageId) => {
      const { rows } = await tx.query(
        'SELECT 1 FROM test_images WHERE id = $1 AND project_id = $2 AND user_id = $3',
        [imageId, scope.projectId, scope.userId],
      );
      return rows.length > 0;
    }),
  );
});

afterAll(() => undo.forEach((fn) => fn()));

describe('project children registered by another module', () => {
  test('when include names a registered kind, then its loader embeds the rows', async () => {
    const project = await createProject(t, user);
    const imageId = await insertImage(project.id, null, 'include-a.png');
    const res = await t.http().get(`/api/projects/${project.id}?include=images,drawings`).set(user.auth);
    expect(res.status).toBe(200);
    expect(res.body.images).toEqual([{ id: imageId, storyId: null, file: 'include-a.png' }]);
    expect(res.body.drawings).toEqual([]);
  });

  test('when coverImageId is one of its images, then it is set; an image of another project is 400', async () => {
    const project = await createProject(t, user);
    const other = await createProject(t, user);
    const own = await insertImage(project.id, null, 'cover-own.png');
    const foreign = await insertImage(other.id, null, 'cover-foreign.png');
    const ok = await t.http().put(`/api/projects/${project.id}`).set(user.auth).send({ coverImageId: own });
    expect(ok.status).toBe(200);
    expect(ok.body.coverImageId).toBe(own);
    const bad = await t
      .http()
      .put(`/api/projects/${project.id}`)
      .set(user.auth)
      .send({ coverImageId: foreign });
    expect(bad.status).toBe(400);
    const current = await t.http().get(`/api/projects/${project.id}`).set(user.auth);
    expect(current.body).toMatchObject({ coverImageId: own, version: 2 });
  });

  test('when restoring a version whose cover image is gone, then the cover becomes null', async () => {
    const project = await createProject(t, user);
    const image = await insertImage(project.id, null, 'cover-gone.png');
    await t.http().put(`/api/projects/${project.id}`).set(user.auth).send({ coverImageId: image });
    await t.http().put(`/api/projects/${project.id}`).set(user.auth).send({ title: 'later' });
    await t.db.query('DELETE FROM test_images WHERE id = $1', [image]);
    const res = await t.http().post(`/api/projects/${project.id}/versions/2/restore`).set(user.auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ title: project.title, coverImageId: null, version: 4 });
  });

  test('when duplicating, then the kind is copied after stories with its references and the cover re-pointed', async () => {
    const project = await createProject(t, user, { title: 'With images' });
    const story = await createStory(t, user, project.id);
    const image = await insertImage(project.id, story.id, 'dup-a.png');
    await insertImage(project.id, null, 'dup-b.png');
    await t.http().put(`/api/projects/${project.id}`).set(user.auth).send({ coverImageId: image });

    const res = await t.http().post(`/api/projects/${project.id}/duplicate`).set(user.auth);
    expect(res.status).toBe(201);
    const copies = await imagesOf(res.body.id);
    const storyCopy = await t.db.query<{ id: string }>('SELECT id FROM stories WHERE project_id = $1', [
      res.body.id,
    ]);
    expect(copies).toEqual([
      { id: expect.any(String), storyId: storyCopy.rows[0].id, file: 'dup-a.png.copy' },
      { id: expect.any(String), storyId: null, file: 'dup-b.png.copy' },
    ]);
    expect(res.body.coverImageId).toBe(copies[0].id);
    const v1 = await t.http().get(`/api/projects/${res.body.id}/versions/1`).set(user.auth);
    expect(v1.body.snapshot.coverImageId).toBe(copies[0].id);
    expect(fs.readFileSync(fileOf('dup-a.png.copy'), 'utf8')).toBe('bytes of dup-a.png');
  });

  test('when a copy step fails after copying files, then no row stays and the copied files are removed', async () => {
    const project = await createProject(t, user, { title: 'Half way' });
    await createStory(t, user, project.id);
    await insertImage(project.id, null, 'half-a.png');
    await insertImage(project.id, null, 'half-b.png', true);
    const projectsBefore = await t.db.query('SELECT id FROM projects WHERE user_id = $1', [user.id]);

    const res = await t.http().post(`/api/projects/${project.id}/duplicate`).set(user.auth);
    // The error handler answers a CHECK violation as 400; what matters is what is left behind.
    expect(res.status).toBe(400);
    const projectsAfter = await t.db.query('SELECT id FROM projects WHERE user_id = $1', [user.id]);
    expect(projectsAfter.rows).toEqual(projectsBefore.rows);
    expect(fs.existsSync(fileOf('half-a.png.copy'))).toBe(false);
    expect(fs.existsSync(fileOf('half-b.png.copy'))).toBe(false);
    expect(fs.existsSync(fileOf('half-a.png'))).toBe(true);
    expect(await imagesOf(project.id)).toHaveLength(2);
  });

  test("when the project is deleted, then the kind's rows go and its after-commit step removes the files", async () => {
    const project = await createProject(t, user);
    await insertImage(project.id, null, 'gone-a.png');
    const res = await t.http().delete(`/api/projects/${project.id}`).set(user.auth);
    expect(res.status).toBe(204);
    expect(await imagesOf(project.id)).toEqual([]);
    expect(fs.existsSync(fileOf('gone-a.png'))).toBe(false);
  });

  test('when the delete is refused (stale If-Match), then the files stay', async () => {
    const project = await createProject(t, user);
    await insertImage(project.id, null, 'kept-a.png');
    const res = await t.http().delete(`/api/projects/${project.id}`).set(user.auth).set('If-Match', '"5"');
    expect(res.status).toBe(412);
    expect(fs.existsSync(fileOf('kept-a.png'))).toBe(true);
  });
});
