/**
 * A project's writes racing one another. Every transaction that touches stored files locks in one order:
 * the user's row, then the project, then child rows. A duplicate once locked the project first and the
 * user's row only when it came to the images, and on PostgreSQL a delete of the same project at the same
 * moment deadlocked with it (503 "A concurrent change interfered"). PGlite runs one statement at a time, so
 * only the PostgreSQL run can show a deadlock; both runs check the answers and that nothing is left behind.
 */
import { consistencyProblems } from '../../src/db/consistency';
import { referencedFileKeys } from '../../src/storage/file-references';
import { collectGarbage } from '../../src/storage/gc';
import { useTestApp } from '../helpers/app';
import { createDrawing, createImage, createProject, createUser } from '../helpers/factories';
import { makePng } from '../helpers/images';
import { storageUsed, storedBytesOfRows } from '../images/helpers';

const t = useTestApp({ validateResponses: true });

describe('a duplicate, a delete, an update and uploads of one project at once', () => {
  test('when they race, then each answers as if alone (no 5xx), and every file has its row and every row its file', async () => {
    const png = await makePng(16, 16);
    const statuses: Record<string, Set<number>> = {};
    const seen = (what: string, status: number) => (statuses[what] ??= new Set()).add(status);
    for (let round = 0; round < 12; round++) {
      const user = await createUser(t);
      const project = await createProject(t, user);
      const image = await createImage(t, user, project.id);
      await createDrawing(t, user, project.id, { imageId: image.id }, png);
      const path = `/api/projects/${project.id}`;
      const [duplicate, deleted, updated, uploaded, drawn, told] = await Promise.all([
        t.http().post(`${path}/duplicate`).set(user.auth),
        t.http().delete(path).set(user.auth),
        t
          .http()
          .put(path)
          .set(user.auth)
          .send({ title: `Round ${round}`, coverImageId: image.id }),
        t
          .http()
          .post('/api/images')
          .set(user.auth)
          .field('projectId', project.id)
          .attach('file', png, 'p.png'),
        t
          .http()
          .post('/api/drawings')
          .set(user.auth)
          .send({ projectId: project.id, data: [], width: 10, height: 10 }),
        t
          .http()
          .post('/api/stories')
          .set(user.auth)
          .send({ projectId: project.id, title: 'Told', content: `Round ${round} ✓` }),
      ]);
      seen('duplicate', duplicate.status);
      seen('delete', deleted.status);
      seen('update', updated.status);
      seen('upload', uploaded.status);
      seen('drawing', drawn.status);
      seen('story', told.status);
      // The delete always wins in the end; what ran before it saw the project, what ran after did not.
      expect(deleted.status).toBe(204);
      expect([201, 404]).toContain(duplicate.status);
      expect([200, 404]).toContain(updated.status);
      expect([201, 404]).toContain(uploaded.status);
      expect([201, 404]).toContain(drawn.status);
      expect([201, 404]).toContain(told.status);
      const left = await t.db.query('SELECT 1 FROM images WHERE project_id = $1', [project.id]);
      expect(left.rows).toEqual([]);
      // Storage use is exact whatever the order: files and stored text (the duplicate's included).
      expect(await storageUsed(t, user.id)).toBe(await storedBytesOfRows(t, user.id));
      // And what `npm run db:check` checks, for every user of the database.
      expect(await consistencyProblems(t.db)).toEqual([]);
    }
    expect(
      Object.values(statuses)
        .flatMap((s) => [...s])
        .every((s) => s < 500),
    ).toBe(true);
    const report = await collectGarbage({
      store: t.ctx.store,
      referencedKeys: () => referencedFileKeys(t.db),
      graceMs: -1,
      dryRun: true,
    });
    expect({ orphans: report.orphans, missing: report.missing }).toEqual({ orphans: [], missing: [] });
  }, 60_000);
});
