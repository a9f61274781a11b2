import crypto from 'node:crypto';
import { useTestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';

/**
 * The contract: every request under /api counts against a rate limit, including those answered 401, 404 or
 * 405, per user with a valid token and per IP otherwise. Each test sends from its own address (TRUST_PROXY=1).
 */
const LIMIT = 5;
/**
 * An address no earlier test of this file used: their budgets live as long as the app. (A random pick among
 * 254 addresses collided now and then: a test then started on an address already spent.)
 */
let lastHost = 0;
function freshIp(): string {
  lastHost += 1;
  return `198.51.100.${lastHost}`;
}

describe(`every /api request counts (API_RATE_LIMIT=${LIMIT}, TRUST_PROXY=1)`, () => {
  const t = useTestApp({ env: { API_RATE_LIMIT: String(LIMIT), TRUST_PROXY: '1' } });

  async function statuses(count: number, send: () => Promise<{ status: number }>): Promise<number[]> {
    const out: number[] = [];
    for (let i = 0; i < count; i++) out.push((await send()).status);
    return out;
  }

  test('when N+1 requests carry a bad token, then N are answered 401 with RateLimit headers and the next 429', async () => {
    const ip = freshIp();
    const bad = () =>
      t.http().get('/api/auth/me').set('X-Forwarded-For', ip).set('Authorization', 'Bearer not-a-token');
    const first = await bad();
    expect(first.status).toBe(401);
    expect(first.headers['ratelimit-policy']).toMatch(new RegExp(`^"api"; q=${LIMIT}; w=60`));
    expect(first.headers.ratelimit).toMatch(new RegExp(`r=${LIMIT - 1}`));
    expect(await statuses(LIMIT, bad)).toEqual([...Array(LIMIT - 1).fill(401), 429]);
    const limited = await bad();
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  test('when N+1 requests have no token on a route that needs one, then the last is 429', async () => {
    const ip = freshIp();
    const send = () => t.http().get('/api/projects').set('X-Forwarded-For', ip);
    expect(await statuses(LIMIT + 1, send)).toEqual([...Array(LIMIT).fill(401), 429]);
  });

  test('when N+1 requests go to unknown /api routes, then N are 404 with RateLimit headers and the next 429', async () => {
    const ip = freshIp();
    const send = () => t.http().get(`/api/no-such-route/${crypto.randomUUID()}`).set('X-Forwarded-For', ip);
    const first = await send();
    expect(first.status).toBe(404);
    expect(first.headers['ratelimit-policy']).toMatch(/^"api"; q=5; w=60/);
    expect(await statuses(LIMIT, send)).toEqual([...Array(LIMIT - 1).fill(404), 429]);
  });

  test('when N+1 requests use a method a path does not take, then N are 405 and the next 429', async () => {
    const ip = freshIp();
    const send = () => t.http().patch('/api/auth/me').set('X-Forwarded-For', ip);
    const answers = await statuses(LIMIT + 1, send);
    expect(answers).toEqual([...Array(LIMIT).fill(405), 429]);
  });

  test("when the anonymous budget of an address is used up, then a signed-in user's requests from it are counted on their own budget", async () => {
    const ip = freshIp();
    const user = await createUser(t);
    expect(
      await statuses(LIMIT + 1, () =>
        t.http().get('/api/nope').set('X-Forwarded-For', ip).set('Authorization', 'Bearer bad'),
      ),
    ).toEqual([...Array(LIMIT).fill(404), 429]);
    // Same address, valid token: the user's own budget, for known and unknown routes alike.
    const me = await t.http().get('/api/auth/me').set('X-Forwarded-For', ip).set(user.auth);
    expect(me.status).toBe(200);
    expect(me.headers.ratelimit).toMatch(new RegExp(`r=${LIMIT - 1}`));
    const unknown = await t.http().get('/api/nope').set('X-Forwarded-For', ip).set(user.auth);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.ratelimit).toMatch(new RegExp(`r=${LIMIT - 2}`));
    // And the user's spent budget does not touch the address's: another address is unaffected.
    expect((await t.http().get('/api/nope').set('X-Forwarded-For', freshIp())).status).toBe(404);
  });

  test('when the route table is read, then every route under /api is rate limited', () => {
    const exempt = t.app.locals.routes.filter(
      (def) => def.path.startsWith('/api/') && def.apiRateLimit === false,
    );
    expect(exempt.map((def) => `${def.method.toUpperCase()} ${def.path}`)).toEqual([]);
  });
});
