/**
 * Conditional requests per RFC 9110 (security review, "Hardening" finding 9). `If-Match` lists tags and
 * passes when any STRONG tag names the current version; `*` passes for an existing resource; a weak tag
 * never matches (it did: `W/"1"` was read as version 1). Templates are versioned (`version`, `ETag`,
 * `If-Match` → 412). A GET whose `If-None-Match` matches the current ETag answers 304 without a body, on
 * every versioned GET.
 */
import type request from 'supertest';
import { useTestApp } from '../helpers/app';
import {
  createDrawing,
  createProject,
  createStory,
  createTemplate,
  createUser,
  type TestUser,
} from '../helpers/factories';

const t = useTestApp({ validateResponses: true });

let user: TestUser;
beforeAll(async () => {
  user = await createUser(t);
});

/** Each versioned resource: how to make one (at version 1) and a body that changes it. */
const KINDS: Array<{
  kind: string;
  path: string;
  make: () => Promise<{ id: string }>;
  change: Record<string, unknown>;
}> = [
  {
    kind: 'project',
    path: '/api/projects',
    make: () => createProject(t, user) as Promise<{ id: string }>,
    change: { title: 'Changed' },
  },
  {
    kind: 'story',
    path: '/api/stories',
    make: async () => createStory(t, user, (await createProject(t, user)).id) as Promise<{ id: string }>,
    change: { title: 'Changed' },
  },
  {
    kind: 'drawing',
    path: '/api/drawings',
    make: async () => createDrawing(t, user, (await createProject(t, user)).id) as Promise<{ id: string }>,
    change: { title: 'Changed' },
  },
  {
    kind: 'template',
    path: '/api/templates',
    make: () => createTemplate(t, user) as Promise<{ id: string }>,
    change: { title: 'Changed' },
  },
];

const put = (path: string, id: string, ifMatch: string, body: Record<string, unknown>) =>
  t.http().put(`${path}/${id}`).set(user.auth).set('If-Match', ifMatch).send(body);

function expectConflict(res: request.Response, current: number): void {
  expect({ status: res.status, code: res.body.code }).toEqual({ status: 412, code: 'VERSION_CONFLICT' });
  expect(res.headers.etag).toBe(`"${current}"`);
}

describe.each(KINDS)('If-Match on a $kind', ({ path, make, change }) => {
  test.each([['"7", "1"'], ['"1", "2", "3"'], ['W/"9", "1"'], ['*'], [' "1" ']])(
    'when If-Match is %s (a strong tag names the current version, or *), then the PUT applies',
    async (ifMatch) => {
      const resource = await make();
      const res = await put(path, resource.id, ifMatch, change);
      expect(res.status).toBe(200);
      expect(res.body.version).toBe(2);
      expect(res.headers.etag).toBe('"2"');
    },
  );

  test.each([['"7", "8"'], ['W/"1"'], ['W/"1", W/"2"'], ['1'], ['"1" "2"'], ['"1'], ['*, "1"'], ['"abc"']])(
    'when If-Match is %s (no strong tag names the current version, or malformed), then 412 and nothing changes',
    async (ifMatch) => {
      const resource = await make();
      expectConflict(await put(path, resource.id, ifMatch, change), 1);
      const after = await t.http().get(`${path}/${resource.id}`).set(user.auth);
      expect(after.body.version).toBe(1);
    },
  );

  test('when a DELETE names a weak or stale tag, then 412; a list naming the current one deletes', async () => {
    const resource = await make();
    const del = (ifMatch: string) =>
      t.http().delete(`${path}/${resource.id}`).set(user.auth).set('If-Match', ifMatch);
    expectConflict(await del('W/"1"'), 1);
    expectConflict(await del('"2", "3"'), 1);
    expect((await del('"3", "1"')).status).toBe(204);
    expect((await t.http().get(`${path}/${resource.id}`).set(user.auth)).status).toBe(404);
  });

  test('when If-Match is * and the resource does not exist, then 404', async () => {
    const resource = await make();
    await t.http().delete(`${path}/${resource.id}`).set(user.auth).expect(204);
    expect((await put(path, resource.id, '*', change)).status).toBe(404);
  });
});

describe.each(KINDS)('If-None-Match on GET of a $kind', ({ path, make, change }) => {
  const get = (id: string, ifNoneMatch?: string) => {
    const req = t.http().get(`${path}/${id}`).set(user.auth);
    return ifNoneMatch === undefined ? req : req.set('If-None-Match', ifNoneMatch);
  };

  test.each([['"1"'], ['"5", "1"'], ['*'], ['W/"1"']])(
    'when If-None-Match is %s (matches the current ETag), then 304 with the ETag and no body',
    async (ifNoneMatch) => {
      const resource = await make();
      const res = await get(resource.id, ifNoneMatch);
      expect(res.status).toBe(304);
      expect(res.headers.etag).toBe('"1"');
      expect(res.text ?? '').toBe('');
    },
  );

  test('when the resource changed since the ETag, then the GET answers 200 with the new version', async () => {
    const resource = await make();
    await t.http().put(`${path}/${resource.id}`).set(user.auth).send(change).expect(200);
    const res = await get(resource.id, '"1"');
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('"2"');
    expect(res.body.version).toBe(2);
  });

  test('when If-None-Match is malformed, then the GET answers 200', async () => {
    const resource = await make();
    expect((await get(resource.id, '1')).status).toBe(200);
    expect((await get(resource.id, '"1" "2"')).status).toBe(200);
  });
});

describe('If-None-Match on a GET without an ETag', () => {
  test.each([['/api/docs'], ['/api/projects'], ['/api/templates']])(
    'when %s is asked with If-None-Match: *, then it answers 200 with its body (only versioned GETs answer 304)',
    async (path) => {
      const res = await t.http().get(path).set(user.auth).set('If-None-Match', '*');
      expect(res.status).toBe(200);
      expect(res.headers.etag).toBeUndefined();
      expect(res.text.length).toBeGreaterThan(0);
    },
  );
});

describe('If-None-Match with include', () => {
  test('when a project is read with include, then it is 200 even when the ETag matches (children do not move the version)', async () => {
    const project = await createProject(t, user);
    await createStory(t, user, project.id);
    const res = await t
      .http()
      .get(`/api/projects/${project.id}?include=stories`)
      .set(user.auth)
      .set('If-None-Match', '"1"');
    expect(res.status).toBe(200);
    expect(res.body.stories).toHaveLength(1);
  });
});

describe('templates are versioned', () => {
  test('when a template is created, read and changed, then version and ETag start at 1 and go up by one', async () => {
    const created = await t.http().post('/api/templates').set(user.auth).send({ title: 'Versioned' });
    expect(created.status).toBe(201);
    expect(created.headers.etag).toBe('"1"');
    expect(created.body.version).toBe(1);
    const read = await t.http().get(`/api/templates/${created.body.id}`).set(user.auth);
    expect(read.headers.etag).toBe('"1"');
    const changed = await put('/api/templates', created.body.id, '"1"', { description: 'Now with words' });
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).toBe('"2"');
    expect(changed.body).toMatchObject({ version: 2, description: 'Now with words' });
    expectConflict(await put('/api/templates', created.body.id, '"1"', { title: 'Late' }), 2);
    const after = await t.http().get(`/api/templates/${created.body.id}`).set(user.auth);
    expect(after.body).toMatchObject({ title: 'Versioned', version: 2 });
  });

  test('when someone rates or uses a template, then its version stays', async () => {
    const template = await createTemplate(t, user, { isPublic: true });
    const other = await createUser(t);
    await t
      .http()
      .put(`/api/templates/${template.id}/ratings`)
      .set(other.auth)
      .send({ rating: 4 })
      .expect(200);
    await t.http().post(`/api/templates/${template.id}/use`).set(other.auth).send({}).expect(201);
    const read = await t.http().get(`/api/templates/${template.id}`);
    expect(read.body).toMatchObject({ version: 1, ratingCount: 1, useCount: 1 });
  });

  test('when someone who may not write names a stale If-Match, then 403 (public) or 404 (private), never 412', async () => {
    const other = await createUser(t);
    const open = await createTemplate(t, user, { isPublic: true });
    const closed = await createTemplate(t, user);
    const res1 = await t
      .http()
      .put(`/api/templates/${open.id}`)
      .set(other.auth)
      .set('If-Match', '"9"')
      .send({ title: 'Mine' });
    expect(res1.status).toBe(403);
    const res2 = await t.http().delete(`/api/templates/${closed.id}`).set(other.auth).set('If-Match', '"9"');
    expect(res2.status).toBe(404);
  });
});
