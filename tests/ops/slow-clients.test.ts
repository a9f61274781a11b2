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

/** The last response on a raw connection is the problem+json answer `status` `code`, with a request id. */
function expectProblem(raw: string, status: number, code: string): void {
  const res = lastResponse(raw);
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(res.body) as Record<string, unknown>;
  expect(body).toMatchObject({ type: 'about:blank', status, code });
  expect(body.requestId).toBe(res.headers['x-request-id']);
  expect(Buffer.byteLength(res.body)).toBe(Number(res.headers['content-length']));
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
      expectProblem(connection.text(), 408, 'REQUEST_TIMEOUT');
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
    expectProblem(connection.text(), 408, 'REQUEST_TIMEOUT');
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

describe('requests the HTTP parser refuses', () => {
  /** Sends `raw` on a new connection and waits until the server has answered and closed it. */
  async function refused(raw: string): Promise<string> {
    const connection = await connectRaw(server.port);
    sockets.push(connection);
    connection.write(raw);
    await waitFor('the server to answer and close', () => connection.isClosed, SLACK_MS);
    return connection.text();
  }

  test.each([
    ['a request line that is not HTTP', 'GARBAGE\r\n\r\n'],
    ['a header name with a space', 'GET /health HTTP/1.1\r\nHost: test\r\nBad Header: x\r\n\r\n'],
    ['a control character in a header value', 'GET /health HTTP/1.1\r\nHost: test\r\nX-A: a\u0001b\r\n\r\n'],
    [
      'Content-Length beside Transfer-Encoding (request smuggling)',
      'POST /api/auth/login HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n' +
        'Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    ],
    [
      'two Content-Lengths that differ',
      'POST /api/auth/login HTTP/1.1\r\nHost: test\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab',
    ],
    [
      'a chunk size that is not hexadecimal',
      'POST /api/auth/login HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n' +
        'Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
    ],
  ])(
    'when it gets %s, then 400 MALFORMED_REQUEST as problem+json and the connection is closed',
    async (_name, raw) => {
      expectProblem(await refused(raw), 400, 'MALFORMED_REQUEST');
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
    },
  );

  test('when the headers pass the size limit, then 431 HEADERS_TOO_LARGE as problem+json', async () => {
    const text = await refused(`GET /health HTTP/1.1\r\nHost: test\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expectProblem(text, 431, 'HEADERS_TOO_LARGE');
    expect(server.running).toBe(true);
  });
});
