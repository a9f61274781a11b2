import { useTestApp } from '../helpers/app';
import {
  createDrawing,
  createImage,
  createProject,
  createStory,
  createUser,
  type Project,
  type TestUser,
} from '../helpers/factories';
import { makePng } from '../helpers/images';
import { exportPdf } from './pdf';

const t = useTestApp({ validateResponses: true });

let user: TestUser;

beforeAll(async () => {
  user = await createUser(t);
});

const exportEvents = async (projectId: string) =>
  (
    await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM analytics_events WHERE project_id = $1 AND type = 'export.created'`,
      [projectId],
    )
  ).rows[0].n;

const keyOfImage = async (imageId: string) =>
  (await t.db.query<{ key: string }>('SELECT storage_key AS key FROM images WHERE id = $1', [imageId]))
    .rows[0].key;

describe('export and preflight: whose project', () => {
  test("when someone else's project is exported or checked, then 404 and no event", async () => {
    const other = await createUser(t);
    const theirs = await createProject(t, other);
    await createImage(t, other, theirs.id);
    const res = await exportPdf(t, user, theirs.id);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(res.body.toString())).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    const preflight = await t.http().get(`/api/projects/${theirs.id}/export/preflight`).set(user.auth);
    expect(preflight.status).toBe(404);
    expect(await exportEvents(theirs.id)).toBe(0);
  });

  test('when the project does not exist, then 404; when the id is not a UUID, then 400', async () => {
    expect((await exportPdf(t, user, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await exportPdf(t, user, 'not-a-uuid')).status).toBe(400);
  });

  test('when no token is sent, then 401', async () => {
    const own = await createProject(t, user);
    const res = await t.http().post(`/api/projects/${own.id}/export`).send({ format: 'pdf' });
    expect(res.status).toBe(401);
  });
});

describe('export and preflight: bad input', () => {
  let project: Project;
  beforeAll(async () => {
    project = await createProject(t, user);
    await createImage(t, user, project.id);
  });

  test('when the trim size is unknown, then 400 VALIDATION_ERROR naming the sizes there are', async () => {
    const res = await exportPdf(t, user, project.id, { trimSize: 'tabloid' });
    expect(res.status).toBe(400);
    const body = JSON.parse(res.body.toString());
    expect(body).toMatchObject({ code: 'VALIDATION_ERROR', errors: [{ path: 'trimSize' }] });
    expect(body.detail).toBe('"trimSize" must be one of [letter, a4, 8x10, 8.5x8.5, 6x9]');
    const preflight = await t
      .http()
      .get(`/api/projects/${project.id}/export/preflight?trimSize=tabloid`)
      .set(user.auth);
    expect(preflight.status).toBe(400);
    expect(preflight.body.errors).toEqual([
      { path: 'trimSize', message: expect.stringContaining('must be one of') },
    ]);
  });

  test.each([
    ['no format', {}],
    ['another format', { format: 'epub' }],
    ['an unknown field', { format: 'pdf', dpi: 300 }],
    ['a non-boolean bleed', { format: 'pdf', bleed: 'yes' }],
  ])('when the body has %s, then 400 VALIDATION_ERROR', async (_name, body) => {
    const res = await t.http().post(`/api/projects/${project.id}/export`).set(user.auth).send(body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_ERROR');
    expect(await exportEvents(project.id)).toBe(0);
  });

  test('when the preflight gets an unknown query parameter, then 400', async () => {
    const res = await t.http().get(`/api/projects/${project.id}/export/preflight?format=pdf`).set(user.auth);
    expect(res.status).toBe(400);
  });
});

describe('export: a project with nothing to print', () => {
  test('when the project has no images, then 400 EMPTY_PROJECT and the preflight says NO_PAGES', async () => {
    const empty = await createProject(t, user);
    await createStory(t, user, empty.id, { content: 'Words but no pictures.' });
    const res = await exportPdf(t, user, empty.id);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body.toString())).toMatchObject({
      code: 'EMPTY_PROJECT',
      detail: expect.stringContaining('no pages to export'),
    });
    const preflight = await t.http().get(`/api/projects/${empty.id}/export/preflight`).set(user.auth);
    expect(preflight.status).toBe(200);
    expect(preflight.body.pages).toEqual([]);
    expect(preflight.body.warnings.map((w: { code: string }) => w.code)).toContain('NO_PAGES');
    expect(await exportEvents(empty.id)).toBe(0);
  });

  test('when the project has only cover and reference images and a drawing without a PNG, then 400 EMPTY_PROJECT', async () => {
    const own = await createProject(t, user);
    await createImage(t, user, own.id, { kind: 'cover' });
    await createImage(t, user, own.id, { kind: 'reference' });
    await createDrawing(t, user, own.id);
    const res = await exportPdf(t, user, own.id);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body.toString()).code).toBe('EMPTY_PROJECT');
  });
});

describe('export: files missing from the store', () => {
  test('when a page image has lost its file, then 409 FILE_MISSING with its id before any PDF byte, and the preflight flags it', async () => {
    const own = await createProject(t, user);
    const kept = await createImage(t, user, own.id);
    const lost = await createImage(t, user, own.id);
    await t.ctx.store.delete(await keyOfImage(lost.id));

    const res = await exportPdf(t, user, own.id);
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(res.body.toString())).toMatchObject({
      status: 409,
      code: 'FILE_MISSING',
      imageId: lost.id,
      missing: [{ imageId: lost.id }],
    });
    expect(await exportEvents(own.id)).toBe(0);

    const preflight = await t.http().get(`/api/projects/${own.id}/export/preflight`).set(user.auth);
    expect(preflight.status).toBe(200);
    const byId = Object.fromEntries(preflight.body.pages.map((p: any) => [p.imageId, p.warnings]));
    expect(byId[kept.id].map((w: { code: string }) => w.code)).not.toContain('FILE_MISSING');
    expect(byId[lost.id].map((w: { code: string }) => w.code)).toContain('FILE_MISSING');
  });

  test("when a drawing's PNG has lost its file, then 409 FILE_MISSING with the drawing's id", async () => {
    const own = await createProject(t, user);
    await createImage(t, user, own.id);
    const drawing = await createDrawing(t, user, own.id, {}, await makePng(40, 40));
    const { rows } = await t.db.query<{ key: string }>('SELECT png_key AS key FROM drawings WHERE id = $1', [
      drawing.id,
    ]);
    await t.ctx.store.delete(rows[0].key);
    const res = await exportPdf(t, user, own.id);
    expect(res.status).toBe(409);
    expect(JSON.parse(res.body.toString())).toMatchObject({
      code: 'FILE_MISSING',
      drawingId: drawing.id,
      missing: [{ drawingId: drawing.id }],
    });
  });

  test('when a file turns out unreadable after the PDF has started, then the connection is cut rather than a short PDF sent', async () => {
    const own = await createProject(t, user);
    await createImage(t, user, own.id);
    const broken = await createImage(t, user, own.id);
    // Present (so the checks pass) but not an image: it fails when its page is drawn, mid-stream.
    await t.ctx.store.put(
      await keyOfImage(broken.id),
      { buffer: Buffer.from('not a png at all') },
      {
        contentType: 'image/png',
      },
    );
    const received: Buffer[] = [];
    const error = await exportPdf(t, user, own.id, {}, received).then(
      () => null,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(/aborted|socket hang up|ECONNRESET/);
    // The PDF had started (headers and its first pages were out) and was cut before its end.
    const bytes = Buffer.concat(received);
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(bytes.includes('%%EOF')).toBe(false);
  });
});
