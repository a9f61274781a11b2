import {
  connectRaw,
  killAll,
  lastResponse,
  serverDatabase,
  spawnServer,
  waitFor,
  type OpsDatabase,
  type RawConnection,
  type SpawnedServer,
} from '../helpers/spawn-server';

/**
 * Slow clients against the real process: header, request and keep-alive timeouts (HEADERS_TIMEOUT_MS,
 * REQUEST_TIMEOUT_MS, KEEP_ALIVE_TIMEOUT_MS) are enforced, and connections that dribble bytes do not stop the
 * server from serving everyone else. The timeouts are set small here; deadlines are polling bounds.
 */

const HEADERS_TIMEOUT_MS = 1000;
const REQUEST_TIMEOUT_MS = 2000;
const KEEP_ALIVE_TIMEOUT_MS = 1000;
/** Node checks these timeouts periodically (server.ts: at most every second): a generous polling bound. */
const SLACK_MS = 4000;

let database: OpsDatabase | undefined;
let server: SpawnedServer;
const sockets: RawConnection[] = [];

beforeAll(async () => {
  const { env, db } = await serverDatabase();
  database = db;
  server = await spawnServer({
    ...env,
    HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
    REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    KEEP_ALIVE_TIMEOUT_MS: String(KEEP_ALIVE_TIMEOUT_MS),
  });
});

afterAll(async () => {
  for (const socket of sockets) socket.socket.destroy();
  await killAll();
  await database?.drop();
});

/** Writes `text` one byte every `everyMs` until the connection closes (or, when `text` runs out, keeps on with filler). */
function dribble(connection: RawConnection, text: string, everyMs = 100, filler = 'a'): void {
  let i = 0;
  const timer = setInterval(() => {
    if (connection.isClosed) return clearInterval(timer);
    connection.write(i < text.length ? text[i++] : filler);
  }, everyMs);
  void connection.closed.then(() => clearInterval(timer));
}

describe('slow clients', () => {
  test('when clients send their headers byte by byte and never finish, then each is cut within the header timeout while others are served', async () => {
    const slowloris = await Promise.all(Array.from({ length: 20 }, () => connectRaw(server.port)));
    sockets.push(...slowloris);
    for (const connection of slowloris) dribble(connection, 'GET /health HTTP/1.1\r\nHost: test\r\nX-Slow: ');

    // Meanwhile the server answers everyone else.
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${server.url}/health`, { signal: AbortSignal.timeout(SLACK_MS) });
      expect(res.status).toBe(200);
    }

    await waitFor(
      'every slowloris connection to be closed',
      () => slowloris.every((c) => c.isClosed),
      HEADERS_TIMEOUT_MS + SLACK_MS,
    );
    for (const connection of slowloris) {
      expect(connection.text()).toMatch(/^HTTP\/1\.1 408 Request Timeout/);
    }
    expect(server.running).toBe(true);
    expect((await fetch(`${server.url}/ready`)).status).toBe(200);
  });

  test('when a body arrives slower than the request timeout, then the server ends the request with 408', async () => {
    const connection = await connectRaw(server.port);
    sockets.push(connection);
    const body = JSON.stringify({ email: 'slow@example.test', password: 'correct horse battery' });
    connection.write(
      'POST /api/auth/register HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n' +
        `Content-Length: ${Buffer.byteLength(body) + 1000}\r\n\r\n`,
    );
    dribble(connection, body, 100, ' ');
    await waitFor('the slow body to be cut', () => connection.isClosed, REQUEST_TIMEOUT_MS + SLACK_MS);
    expect(lastResponse(connection.text()).status).toBe(408);
    expect(server.running).toBe(true);
  });

  test('when a keep-alive connection stays idle, then the server closes it after the keep-alive timeout', async () => {
    const connection = await connectRaw(server.port);
    sockets.push(connection);
    connection.write('GET /health HTTP/1.1\r\nHost: test\r\n\r\n');
    await waitFor('the answer', () => connection.text().includes('"status":"ok"'));
    expect(lastResponse(connection.text()).headers['keep-alive']).toBe(
      `timeout=${KEEP_ALIVE_TIMEOUT_MS / 1000}`,
    );
    await waitFor(
      'the idle connection to be closed',
      () => connection.isClosed,
      KEEP_ALIVE_TIMEOUT_MS + SLACK_MS,
    );
  });
});
