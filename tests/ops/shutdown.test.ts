import { uniqueEmail } from '../helpers/factories';
import {
  connectionRefused,
  connectRaw,
  killAll,
  lastResponse,
  serverDatabase,
  sleep,
  spawnServer,
  waitFor,
  type OpsDatabase,
} from '../helpers/spawn-server';

/**
 * Graceful shutdown of the real process (`node --import tsx src/server.ts`, forked with an IPC channel as PM2
 * does): SIGTERM drains in-flight requests, refuses new connections, answers /ready 503 meanwhile, exits 0.
 */

let database: OpsDatabase | undefined;
let env: Record<string, string> = {};

beforeAll(async () => {
  ({ env, db: database } = await serverDatabase());
});

afterAll(async () => {
  await killAll();
  await database?.drop();
});

describe('graceful shutdown', () => {
  test('when SIGTERM arrives during in-flight requests, then they complete, new connections are refused, /ready answers 503 and the process exits 0', async () => {
    const server = await spawnServer({ ...env, SHUTDOWN_TIMEOUT_MS: '15000' });

    // An idle keep-alive connection: closed at once by the drain.
    const idle = await connectRaw(server.port);
    idle.write('GET /health HTTP/1.1\r\nHost: test\r\n\r\n');
    await waitFor('the idle connection to get its answer', () => idle.text().includes('"status":"ok"'));

    // A registration whose body arrives slowly: in flight when the signal comes.
    const email = uniqueEmail('drain');
    const body = JSON.stringify({ email, password: 'correct horse battery' });
    const slow = await connectRaw(server.port);
    slow.write(
      'POST /api/auth/register HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\n\r\n`,
    );
    // 100 Continue: the server has read the headers and is waiting for the body.
    await waitFor('100 Continue', () => slow.text().startsWith('HTTP/1.1 100 Continue'));
    slow.write(body.slice(0, 12));

    // A readiness probe whose headers are not finished yet: also in flight.
    const probe = await connectRaw(server.port);
    probe.write('GET /ready HTTP/1.1\r\nHost: test\r\n');
    await sleep(200); // loopback: let the server read those bytes before the signal

    server.child.kill('SIGTERM');

    await waitFor('the port to refuse new connections', () => connectionRefused(server.port));
    await waitFor('the idle connection to be closed', () => idle.isClosed);
    expect(server.running).toBe(true); // still draining

    probe.write('\r\n');
    await waitFor('the probe to be answered', () => probe.isClosed);
    const ready = lastResponse(probe.text());
    expect(ready.status).toBe(503);
    expect(ready.headers.connection).toBe('close');
    expect(JSON.parse(ready.body)).toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503 });

    expect(server.running).toBe(true);
    slow.write(body.slice(12));
    await waitFor('the slow request to be answered', () => slow.isClosed);
    const created = lastResponse(slow.text());
    expect(created.status).toBe(201);
    // It began before the drain, yet closes its connection instead of holding the drain open as keep-alive.
    expect(created.headers.connection).toBe('close');
    expect(JSON.parse(created.body).user.email).toBe(email);

    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.output()).toContain('shut down cleanly');
    if (database) {
      const { rows } = await database.query('SELECT count(*)::int AS n FROM users WHERE email = $1', [email]);
      expect(rows[0].n).toBe(1);
    }
  });

  test('when PM2 starts it, then it sends "ready" once /ready answers 200, and SIGINT drains and exits 0 like SIGTERM', async () => {
    const server = await spawnServer(env);
    expect(server.sentReady).toBe(true);
    const res = await fetch(`${server.url}/ready`);
    expect(res.status).toBe(200);
    server.child.kill('SIGINT');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.output()).toMatch(/shutting down: draining requests.*SIGINT/);
  });

  test('when PM2 on Windows sends the "shutdown" message, then it drains and exits 0', async () => {
    const server = await spawnServer(env);
    server.child.send('shutdown');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.output()).toContain('shut down cleanly');
  });

  // Phase 2: needs the images upload route (files engineer). Start a multipart upload, SIGTERM mid-body,
  // then check that it either completed (row + file) or left nothing: no file under DATA_DIR/files (or in
  // the bucket) without its row, and storage_used_bytes unchanged.
  test.todo('when SIGTERM arrives during an upload, then it completes or leaves no orphan file');
});
