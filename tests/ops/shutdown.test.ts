import fs from 'node:fs';
import path from 'node:path';
import { PgliteDatabase } from '../../src/db/pglite-database';
import { uniqueEmail } from '../helpers/factories';
import { makePng } from '../helpers/images';
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
  type SpawnedServer,
} from '../helpers/spawn-server';

/**
 * Graceful shutdown of the real process (`node --import tsx src/server.ts`, forked with an IPC channel as PM2
 * does): SIGTERM drains in-flight requests, refuses new connections, answers /ready 503 meanwhile, exits 0.
 */

let database: OpsDatabase | undefined;
let env: Record<string, string> = {};

async function postJson(
  server: SpawnedServer,
  path: string,
  body: unknown,
  token?: string,
): Promise<Record<string, any>> {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as Record<string, any>;
}

/** Every regular file below `dir`, as `/`-separated paths relative to it (none when it does not exist). */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'));
}

/** A query on the database the (exited) server used: this file's PostgreSQL one, else its PGlite folder. */
async function queryAfterExit<T extends Record<string, unknown>>(
  server: SpawnedServer,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  if (database) return (await database.query<T>(sql, params)).rows;
  const pglite = await PgliteDatabase.open({ dataDir: path.join(server.dataDir, 'pglite') });
  try {
    return (await pglite.query<T>(sql, params)).rows;
  } finally {
    await pglite.close();
  }
}

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

  test('when SIGTERM arrives during an upload, then it completes, and after exit the store holds exactly the files the rows point to', async () => {
    const server = await spawnServer({ ...env, SHUTDOWN_TIMEOUT_MS: '15000' });
    const user = await postJson(server, '/api/auth/register', {
      email: uniqueEmail('upload'),
      password: 'correct horse battery',
    });
    const token = user.accessToken as string;
    const project = await postJson(server, '/api/projects', { title: 'Drained book' }, token);

    const png = await makePng(400, 300, { noise: true });
    const boundary = 'DrainBoundary';
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="projectId"\r\n\r\n${project.id}\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="page.png"\r\n` +
          'Content-Type: image/png\r\n\r\n',
      ),
      png,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const upload = await connectRaw(server.port);
    upload.write(
      `POST /api/images HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer ${token}\r\n` +
        `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    const half = body.length >> 1;
    upload.socket.write(body.subarray(0, half));
    // In flight: the server is receiving the file into its temp folder.
    const uploadsDir = path.join(server.dataDir, 'tmp', 'uploads');
    await waitFor('the upload to reach the temp folder', () => filesUnder(uploadsDir).length === 1);

    server.child.kill('SIGTERM');
    await waitFor('the port to refuse new connections', () => connectionRefused(server.port));
    expect(server.running).toBe(true);

    upload.socket.write(body.subarray(half));
    await waitFor('the upload to be answered', () => upload.isClosed, 15_000);
    const answer = lastResponse(upload.text());
    expect(answer.status).toBe(201);
    expect(answer.headers.connection).toBe('close');
    const image = JSON.parse(answer.body);
    expect(image).toMatchObject({ projectId: project.id, sizeBytes: png.length, width: 400, height: 300 });
    expect(await server.exited).toEqual({ code: 0, signal: null });

    // Exactly the files the rows point to (the original and its thumbnail), and no temp file left.
    const stored = filesUnder(path.join(server.dataDir, 'files'));
    const rows = await queryAfterExit<{ storageKey: string; thumbnailKey: string }>(
      server,
      'SELECT storage_key AS "storageKey", thumbnail_key AS "thumbnailKey" FROM images',
    );
    expect(rows).toHaveLength(1);
    expect(stored.sort()).toEqual([rows[0].storageKey, rows[0].thumbnailKey].sort());
    expect(filesUnder(uploadsDir)).toEqual([]);
    const [usage] = await queryAfterExit<{ used: number }>(
      server,
      'SELECT storage_used_bytes::int AS used FROM users WHERE id = $1',
      [user.user.id],
    );
    expect(usage.used).toBe(png.length);
  });
});
