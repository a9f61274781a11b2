import crypto from 'node:crypto';
import { useTestApp } from '../helpers/app';
import { createProject, createUser, storeApiKey } from '../helpers/factories';
import { hangUpOnLiveStreams } from '../helpers/live-streams';

/**
 * The contract: every authenticated answer with a body carries `Cache-Control: private, no-store`. The
 * router sets it in one place: on every answer of a route that needs a token (errors included), and on every
 * answer to a request that carried a valid token.
 */
const PRIVATE = 'private, no-store';

/** A concrete URL for a route template: ids are random UUIDs (so mostly 404), other parameters plausible. */
function urlOf(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, (_all, name: string) => {
    if (name === 'provider') return 'openai';
    if (name === 'version') return '1';
    return crypto.randomUUID();
  });
}

describe('Cache-Control on authenticated answers', () => {
  const t = useTestApp();

  test('when any route that needs a token is called without one, then its 401 is private, no-store', async () => {
    const routes = t.app.locals.routes.filter((def) => def.auth === 'required');
    expect(routes.length).toBeGreaterThan(30);
    const wrong: string[] = [];
    for (const def of routes) {
      const res = await t.http()[def.method](urlOf(def.path));
      if (res.status !== 401 || res.headers['cache-control'] !== PRIVATE) {
        wrong.push(`${def.method.toUpperCase()} ${def.path} → ${res.status} ${res.headers['cache-control']}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  test('when every GET route that needs a token is called with a valid one, then each answer is private, no-store', async () => {
    const user = await createUser(t);
    const routes = t.app.locals.routes.filter((def) => def.auth === 'required' && def.method === 'get');
    const wrong: string[] = [];
    let succeeded = 0;
    for (const def of routes) {
      const res = await t.http().get(urlOf(def.path)).set(user.auth);
      if (res.status < 300) succeeded++;
      if (res.headers['cache-control'] !== PRIVATE) {
        wrong.push(`GET ${def.path} → ${res.status} ${res.headers['cache-control']}`);
      }
    }
    expect(wrong).toEqual([]);
    // The walk reaches real answers, not only 404s for made-up ids.
    expect(succeeded).toBeGreaterThan(8);
  });

  test('when representative authenticated writes and reads succeed, then each is private, no-store', async () => {
    const user = await createUser(t);
    const created = await t.http().post('/api/projects').set(user.auth).send({ title: 'Cached?' });
    expect(created.status).toBe(201);
    expect(created.headers['cache-control']).toBe(PRIVATE);

    const project = await createProject(t, user);
    const read = await t.http().get(`/api/projects/${project.id}`).set(user.auth);
    expect(read.status).toBe(200);
    expect(read.headers['cache-control']).toBe(PRIVATE);

    const changed = await t.http().put(`/api/projects/${project.id}`).set(user.auth).send({ title: 'New' });
    expect(changed.status).toBe(200);
    expect(changed.headers['cache-control']).toBe(PRIVATE);

    await storeApiKey(t, user, 'openai', 'sk-test-0123456789abcdef');
    const secret = await t.http().get('/api/api-keys/openai').set(user.auth);
    expect(secret.status).toBe(200);
    expect(secret.headers['cache-control']).toBe(PRIVATE);
  });

  test('when sign-in routes answer a token pair, then the answer is private, no-store though they take no token', async () => {
    const user = await createUser(t);
    const login = await t.http().post('/api/auth/login').send({ email: user.email, password: user.password });
    expect(login.status).toBe(200);
    expect(login.headers['cache-control']).toBe(PRIVATE);
    const refreshed = await t.http().post('/api/auth/refresh').send({ refreshToken: user.refreshToken });
    expect(refreshed.status).toBe(200);
    expect(refreshed.headers['cache-control']).toBe(PRIVATE);
    const registered = await t
      .http()
      .post('/api/auth/register')
      .send({ email: `cc-${crypto.randomUUID()}@example.test`, password: 'correct horse battery' });
    expect(registered.status).toBe(201);
    expect(registered.headers['cache-control']).toBe(PRIVATE);
  });

  test('when a public route that reads an optional token is called, then only the answer with a token is private', async () => {
    const user = await createUser(t);
    const anonymous = await t.http().get('/api/templates');
    expect(anonymous.status).toBe(200);
    expect(anonymous.headers['cache-control']).toBeUndefined();
    const signedIn = await t.http().get('/api/templates').set(user.auth);
    expect(signedIn.status).toBe(200);
    expect(signedIn.headers['cache-control']).toBe(PRIVATE);
  });

  test('when any route that reads an optional token answers, then Vary names Authorization, with or without a token', async () => {
    const user = await createUser(t);
    const routes = t.app.locals.routes.filter((def) => def.auth === 'optional');
    expect(routes.length).toBeGreaterThan(1);
    const wrong: string[] = [];
    for (const def of routes) {
      for (const auth of [{}, user.auth]) {
        const res = await hangUpOnLiveStreams(def, t.http()[def.method](urlOf(def.path)).set(auth));
        const vary = String(res.headers.vary ?? '').toLowerCase();
        if (!vary.split(/, */).includes('authorization')) {
          wrong.push(`${def.method.toUpperCase()} ${def.path} → ${res.status} Vary: ${res.headers.vary}`);
        }
      }
    }
    expect(wrong).toEqual([]);
    const document = t.app.locals.openapi() as Record<string, any>;
    expect(document.paths['/api/templates/{id}'].get.responses['200'].headers.Vary).toBeDefined();
  });

  test('when an unknown /api route is called with a valid token, then the 404 is private too', async () => {
    const user = await createUser(t);
    const res = await t.http().get('/api/no-such-thing').set(user.auth);
    expect(res.status).toBe(404);
    expect(res.headers['cache-control']).toBe(PRIVATE);
  });

  test('when the OpenAPI document is read, then authenticated successes declare Cache-Control', async () => {
    const doc = (await t.http().get('/api/openapi.json')).body;
    expect(doc.paths['/api/auth/me'].get.responses['200'].headers['Cache-Control'].description).toMatch(
      /private, no-store/,
    );
  });
});
