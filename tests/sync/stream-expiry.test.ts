import { useTestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { listen, openSse } from './sse-client';

/** A stream ends when the access token it was opened with expires (ACCESS_TOKEN_TTL, 3 s here). */
const t = useTestApp({ env: { ACCESS_TOKEN_TTL: '3' } });
let server: { url: string; close(): Promise<void> };

beforeAll(async () => {
  server = await listen(t.handler);
});
afterAll(async () => {
  await server.close();
});

describe('GET /api/sync/stream, token expiry', () => {
  test('when the access token of an open stream expires, then the server ends the stream at that moment', async () => {
    const user = await createUser(t);
    const expiresAt = JSON.parse(Buffer.from(user.accessToken.split('.')[1], 'base64url').toString()).exp;
    const s = await openSse(`${server.url}/api/sync/stream`, user.auth);
    expect(s.status).toBe(200);
    await s.ended;
    const endedAt = Date.now() / 1000;
    expect(endedAt).toBeGreaterThanOrEqual(expiresAt - 0.05);
    expect(endedAt).toBeLessThan(expiresAt + 1.5);
  });

  test('when a stream was opened with a ticket, then it ends when the token that asked for the ticket expires', async () => {
    const user = await createUser(t);
    const expiresAt = JSON.parse(Buffer.from(user.accessToken.split('.')[1], 'base64url').toString()).exp;
    const res = await t.http().post('/api/sync/tickets').set(user.auth).send();
    expect(res.status).toBe(201);
    const s = await openSse(`${server.url}/api/sync/stream?ticket=${res.body.ticket}`);
    expect(s.status).toBe(200);
    await s.ended;
    const endedAt = Date.now() / 1000;
    expect(endedAt).toBeGreaterThanOrEqual(expiresAt - 0.05);
    expect(endedAt).toBeLessThan(expiresAt + 1.5);
  });
});
