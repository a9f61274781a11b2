import { memoryTokenStorage } from '../../client/src/index';
import { useTestApp } from '../helpers/app';
import { createUser, uniqueEmail } from '../helpers/factories';
import { clientOf, expiredAccessToken, useLiveServer } from './live-server';

// The client talks to a real server; every answer it gets is checked against the OpenAPI document.
const t = useTestApp({ validateResponses: true });
const live = useLiveServer(t);

const clientFor = (storage = memoryTokenStorage()) => clientOf(live.baseUrl, storage);

async function refreshTokenRows(sessionAccessToken: string): Promise<number> {
  const sid = JSON.parse(Buffer.from(sessionAccessToken.split('.')[1], 'base64url').toString()).sid;
  const { rows } = await t.db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM refresh_tokens WHERE session_id = $1',
    [sid],
  );
  return rows[0].n;
}

describe('the client: sign-in and the token pair', () => {
  test('when a user registers and logs in, then the client keeps the pair and typed calls carry it', async () => {
    const { client, storage } = clientFor();
    const email = uniqueEmail();
    const registered = await client.register({
      email,
      password: 'correct horse battery',
      displayName: 'Ada',
    });
    expect(registered).toMatchObject({ email, displayName: 'Ada' });

    const user = await client.login({ email, password: 'correct horse battery' });
    expect(user.id).toBe(registered.id);
    const pair = await storage.get();
    expect(pair).toEqual({ accessToken: expect.any(String), refreshToken: expect.any(String) });

    const me = await client.api.GET('/api/auth/me');
    expect(me.response.status).toBe(200);
    expect(me.data).toMatchObject({ id: registered.id, email });
    const sessions = await client.api.GET('/api/auth/sessions', { params: { query: { limit: 10 } } });
    expect(sessions.data?.pagination.total).toBe(2);
  });

  test('when logout is called, then the session is revoked on the server and the pair is dropped', async () => {
    const user = await createUser(t);
    const { client, signOuts, storage } = clientFor(memoryTokenStorage(user));
    await client.logout();
    expect(await storage.get()).toBeNull();
    expect(signOuts).toEqual(['logout']);
    const { rows } = await t.db.query<{ revoked: boolean }>(
      'SELECT revoked_at IS NOT NULL AS revoked FROM sessions WHERE user_id = $1',
      [user.id],
    );
    expect(rows).toEqual([{ revoked: true }]);
  });
});

describe('the client: refresh on 401', () => {
  test('when several calls meet an expired access token at once, then one refresh serves them all and each is retried once', async () => {
    const user = await createUser(t);
    const expired = expiredAccessToken(t, user.accessToken);
    const { client, network, signOuts, storage } = clientFor(
      memoryTokenStorage({ accessToken: expired, refreshToken: user.refreshToken }),
    );

    const results = await Promise.all([
      client.api.GET('/api/auth/me'),
      client.api.GET('/api/auth/sessions'),
      client.api.GET('/api/auth/me'),
      client.api.GET('/api/auth/sessions', { params: { query: { page: 1 } } }),
    ]);

    expect(results.map((r) => r.response.status)).toEqual([200, 200, 200, 200]);
    expect(results[0].data).toMatchObject({ id: user.id });
    expect(network.count('POST', '/api/auth/refresh')).toBe(1);
    // Each call went out twice at most: once with the expired token, once with the new one.
    expect(network.count('GET', '/api/auth/me')).toBe(4);
    const pair = await storage.get();
    expect(pair?.refreshToken).not.toBe(user.refreshToken);
    expect(pair?.accessToken).not.toBe(expired);
    // The server rotated the refresh token once: the original and one child.
    expect(await refreshTokenRows(user.accessToken)).toBe(2);
    expect(signOuts).toEqual([]);
  });

  test('when a call fails with a token another call already replaced, then it retries without a new refresh', async () => {
    const user = await createUser(t);
    const expired = expiredAccessToken(t, user.accessToken);
    const { client, network } = clientFor(
      memoryTokenStorage({ accessToken: expired, refreshToken: user.refreshToken }),
    );
    expect((await client.api.GET('/api/auth/me')).response.status).toBe(200);
    expect((await client.api.GET('/api/auth/me')).response.status).toBe(200);
    expect(network.count('POST', '/api/auth/refresh')).toBe(1);
  });
});
