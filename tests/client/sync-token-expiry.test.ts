import { createSync, memoryTokenStorage, type Change } from '../../client/src/index';
import { useTestApp } from '../helpers/app';
import { bearer, createProject, createUser } from '../helpers/factories';
import { clientOf, useLiveServer } from './live-server';

jest.setTimeout(60_000);

/** The server ends a stream when its access token expires (ACCESS_TOKEN_TTL, 3 s here). */
const t = useTestApp({ env: { ACCESS_TOKEN_TTL: '3' } });
const live = useLiveServer(t);

const until = async (condition: () => boolean, what: string) => {
  const deadline = Date.now() + 15_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

describe('sync.live() across an access token expiry', () => {
  test('when the server ends the stream because the token expired, then the engine refreshes, reconnects from its cursor and keeps delivering', async () => {
    const user = await createUser(t);
    const project = await createProject(t, user);
    const { client, network, signOuts } = clientOf(live.baseUrl, memoryTokenStorage(user));
    const sync = createSync(client, { reconnectDelayMs: 50 });
    const live_: Change[] = [];
    sync.onChange((change, source) => {
      if (source === 'live') live_.push(change);
    });
    const running = sync.live();

    // The first stream ends at the token's expiry; the next request answers 401 with the expired token,
    // and its retry after one refresh opens the stream again.
    await until(() => network.count('GET', '/api/sync/stream') >= 3, 'the stream to be opened again');
    expect(network.count('POST', '/api/auth/refresh')).toBe(1);
    expect(signOuts).toEqual([]);

    // A write from another device (its own fresh token) arrives through the new stream.
    const login = await t
      .http()
      .post('/api/auth/login')
      .send({ email: user.email, password: user.password })
      .expect(200);
    const story = await t
      .http()
      .post('/api/stories')
      .set(bearer(login.body.accessToken))
      .send({ projectId: project.id, title: 'After the refresh' })
      .expect(201);
    await until(() => live_.some((c) => c.id === story.body.id), 'the story on the stream');
    expect((await sync.store.get('story', story.body.id))!.data.title).toBe('After the refresh');

    await sync.stop();
    await running;
  });
});
