import { ApiError, memoryTokenStorage } from '../../client/src/index';
import { useTestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { clientOf, expiredAccessToken, useLiveServer } from './live-server';

// Every answer the client gets is checked against the OpenAPI document (401s of login and refresh included).
const t = useTestApp({ validateResponses: true });
const live = useLiveServer(t);
const clientFor = (storage = memoryTokenStorage()) => clientOf(live.baseUrl, storage);

describe('the client: refused credentials', () => {
  test('when login is refused, then it throws the problem and keeps no tokens', async () => {
    const user = await createUser(t);
    const { client, storage, network } = clientFor();
    const error = await client.login({ email: user.email, password: 'not the password' }).catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 401, code: 'INVALID_CREDENTIALS' });
    expect(await storage.get()).toBeNull();
    expect(network.count('POST', '/api/auth/refresh')).toBe(0);
  });
});

describe('the client: refresh refused', () => {
  test('when the session was revoked, then one refresh fails, the client signs out once and the calls answer 401', async () => {
    const user = await createUser(t);
    await t.http().post('/api/auth/logout-all').set(user.auth).expect(204);
    const expired = expiredAccessToken(t, user.accessToken);
    const { client, network, signOuts, storage } = clientFor(
      memoryTokenStorage({ accessToken: expired, refreshToken: user.refreshToken }),
    );

    const results = await Promise.all([
      client.api.GET('/api/auth/me'),
      client.api.GET('/api/auth/sessions'),
      client.api.GET('/api/auth/me'),
    ]);

    expect(results.map((r) => r.response.status)).toEqual([401, 401, 401]);
    expect(results[0].error).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(network.count('POST', '/api/auth/refresh')).toBe(1);
    expect(signOuts).toEqual(['refresh_failed']);
    expect(await storage.get()).toBeNull();

    // Signed out: the next call goes out without a token and is not retried.
    const after = await client.api.GET('/api/auth/me');
    expect(after.response.status).toBe(401);
    expect(network.seen.at(-1)?.headers.get('authorization')).toBeNull();
    expect(network.count('POST', '/api/auth/refresh')).toBe(1);
  });
});
