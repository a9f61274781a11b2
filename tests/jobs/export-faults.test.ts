import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { uniqueEmail } from '../helpers/factories';
import { makePng } from '../helpers/images';
import {
  createOpsDatabase,
  describeIf,
  killAll,
  postgresAddress,
  postgresReachable,
  spawnServer,
  waitFor,
  type OpsDatabase,
  type SpawnedServer,
} from '../helpers/spawn-server';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy';

/**
 * Export jobs survive what kills processes and connections: real server processes on one PostgreSQL database
 * and one DATA_DIR (the local file store), an API process (WORKER=off) and worker processes (WORKER=only).
 * The job's state is read straight from the database, not through the processes under test.
 */

/** Short leases and supervision so a dead worker's job is retried within seconds. */
const FAST_JOBS = { EXPORT_JOB_TIMEOUT_S: '8', JOB_SUPERVISE_INTERVAL_S: '1', JOB_POLL_INTERVAL_S: '0.5' };

interface JobRow {
  status: string;
  attempts: number;
  progress: number;
  file_key: string | null;
  error: string | null;
}

async function api(server: SpawnedServer, method: string, url: string, token?: string, body?: unknown) {
  const res = await fetch(`${server.url}${url}`, {
    method,
    headers: {
      ...(body instanceof FormData ? {} : { 'Content-Type': 'application/json' }),
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : body instanceof FormData ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(20_000),
  });
  return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, any> };
}

/** A user with a project of `pages` noisy 1500 px pages: a render that takes seconds. */
async function bookOn(server: SpawnedServer, pages: number): Promise<{ token: string; projectId: string }> {
  const reg = await api(server, 'POST', '/api/auth/register', undefined, {
    email: uniqueEmail('faults'),
    password: 'correct horse battery',
  });
  expect(reg.status).toBe(201);
  const token = reg.body.accessToken as string;
  const project = await api(server, 'POST', '/api/projects', token, { title: 'Faults' });
  for (let i = 0; i < pages; i++) {
    const form = new FormData();
    form.set('projectId', project.body.id);
    form.set('file', new Blob([await makePng(1500, 1500, { noise: true })], { type: 'image/png' }), 'p.png');
    expect((await api(server, 'POST', '/api/images', token, form)).status).toBe(201);
  }
  return { token, projectId: project.body.id };
}

describeIf(postgresReachable(), `needs PostgreSQL at ${postgresAddress.host}:${postgresAddress.port}`)(
  'export jobs under faults',
  () => {
    let database: OpsDatabase;
    let dataDir: string;
    let proxy: TcpProxy | undefined;

    const job = async (id: string) =>
      (
        await database.query<JobRow>(
          'SELECT status, attempts, progress, file_key, error FROM export_jobs WHERE id = $1',
          [id],
        )
      ).rows[0];

    beforeAll(async () => {
      database = await createOpsDatabase();
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'colorbook-jobs-faults-'));
    });

    afterAll(async () => {
      await killAll();
      await proxy?.close();
      await database?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    test('when a worker is killed with SIGKILL mid-export, then the job finishes on another worker', async () => {
      const env = { DATABASE_URL: database.url, DATA_DIR: dataDir, ...FAST_JOBS };
      const apiServer = await spawnServer({ ...env, WORKER: 'off' });
      const first = await spawnServer({ ...env, WORKER: 'only', WORKER_HEALTH_PORT: '0' });
      // The worker process answers its health and nothing else.
      expect((await fetch(`${first.url}/health`)).status).toBe(200);
      expect((await fetch(`${first.url}/api/projects`)).status).toBe(404);

      const { token, projectId } = await bookOn(apiServer, 10);
      const started = await api(apiServer, 'POST', `/api/projects/${projectId}/exports`, token, {
        format: 'pdf',
      });
      expect(started.status).toBe(202);
      const id = started.body.id as string;
      await waitFor(
        'the first worker to be rendering',
        async () => (await job(id))?.status === 'running',
        30_000,
      );
      first.child.kill('SIGKILL');
      await first.exited;
      expect((await job(id)).status).toBe('running');

      await spawnServer({ ...env, WORKER: 'only', WORKER_HEALTH_PORT: '0' });
      const done = await waitFor(
        'the job to finish on the second worker',
        async () => {
          const row = await job(id);
          return row.status === 'succeeded' || row.status === 'failed' ? row : null;
        },
        90_000,
        250,
      );
      expect(done).toMatchObject({ status: 'succeeded', attempts: 2, progress: 1 });
      const res = await api(apiServer, 'GET', `/api/exports/${id}`, token);
      expect(res.body.status).toBe('succeeded');
      const pdf = await fetch(res.body.url.replace(/^https?:\/\/[^/]+/, apiServer.url));
      expect(pdf.status).toBe(200);
      expect(
        Buffer.from(await pdf.arrayBuffer())
          .subarray(0, 5)
          .toString(),
      ).toBe('%PDF-');
      await killAll();
    }, 180_000);

    test('when PostgreSQL goes away mid-export and comes back, then the job finishes', async () => {
      proxy = await startTcpProxy(postgresAddress);
      const env = {
        DATABASE_URL: database.urlVia(proxy.host, proxy.port),
        DATA_DIR: dataDir,
        ...FAST_JOBS,
        DB_CONNECTION_TIMEOUT_MS: '1000',
      };
      const server = await spawnServer({ ...env, WORKER: 'on' });
      const { token, projectId } = await bookOn(server, 10);
      const started = await api(server, 'POST', `/api/projects/${projectId}/exports`, token, {
        format: 'pdf',
      });
      expect(started.status).toBe(202);
      const id = started.body.id as string;
      await waitFor('the render to start', async () => (await job(id))?.status === 'running', 30_000);
      // Every connection reset and new ones refused, as during a restart; back after 3 s.
      await proxy.cut();
      await new Promise((resolve) => setTimeout(resolve, 3000));
      await proxy.forward();
      const done = await waitFor(
        'the job to finish after the database came back',
        async () => {
          const row = await job(id);
          return row.status === 'succeeded' || row.status === 'failed' ? row : null;
        },
        90_000,
        250,
      );
      expect(done.status).toBe('succeeded');
      expect(done.attempts).toBeGreaterThanOrEqual(1);
      expect(server.running).toBe(true);
      // Nothing left behind: one stored PDF, the one the job points to.
      const exportsDir = path.join(dataDir, 'files', 'exports');
      const stored = fs
        .readdirSync(exportsDir, { recursive: true })
        .filter((f) => String(f).endsWith('.pdf'));
      expect(stored.map((f) => path.basename(String(f)))).toContain(path.basename(done.file_key!));
    }, 180_000);
  },
);
