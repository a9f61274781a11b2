import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import {
  ADMIN_URL,
  BENCH_PASSWORD,
  BENCH_SECRETS,
  buildForBench,
  cleanUpOnSignal,
  countLines,
  createDatabase,
  describeMachine,
  envNumber,
  freePort,
  machineBusy,
  mb,
  percentile,
  pick,
  root,
  round1,
  sampleRss,
  seed,
  signTokens,
  sleep,
  startProcess,
  SERVER_NODE_FLAGS,
  stopAll,
  type BenchDatabase,
  type Proc,
} from './common';

/**
 * `npm run test:load`: two server processes (as PM2 cluster mode runs them) on one PostgreSQL database, one
 * Redis (shared rate limits) and one DATA_DIR (shared local file storage), under LOAD_CONNECTIONS (100)
 * connections of mixed traffic for LOAD_SECONDS (120): reads, project and story writes, image uploads
 * (when the server has POST /api/images), logins, and Idempotency-Key replays across the two processes.
 * Passes when no answer is a 5xx (nor a connection error), every 201's resource is readable afterwards
 * from either process, and the database holds exactly the rows the 201s announced.
 *
 * Environment (optional): LOAD_SECONDS (120), LOAD_CONNECTIONS (100), LOAD_USERS (200),
 * LOAD_PROJECTS (10 per user), LOAD_BCRYPT_COST (12), BENCH_POSTGRES_URL, BENCH_DB_PREFIX,
 * BENCH_NO_FILES=1 (print only).
 */

const settings = {
  seconds: envNumber('LOAD_SECONDS', 120),
  connections: envNumber('LOAD_CONNECTIONS', 100),
  users: envNumber('LOAD_USERS', 200),
  projectsPerUser: envNumber('LOAD_PROJECTS', 10),
  bcryptCost: envNumber('LOAD_BCRYPT_COST', 12),
  /** Logins in flight at once across both servers (bcrypt at cost 12 is ~0.25 s of a core each). */
  maxLogins: envNumber('LOAD_MAX_LOGINS', 4),
  dbPrefix: process.env.BENCH_DB_PREFIX ?? 'colorbook_bench_',
  writeFiles: process.env.BENCH_NO_FILES !== '1',
};

const HIGH_LIMIT = '1000000000';
const TITLE_PREFIX = 'Load test';

type Kind = 'project' | 'story' | 'image';

interface User {
  id: string;
  email: string;
  token: string;
  projectIds: string[];
}

interface Created {
  kind: Kind;
  id: string;
  user: User;
}

interface Answer {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

function request(
  agent: http.Agent,
  base: string,
  method: string,
  urlPath: string,
  options: { token?: string; json?: unknown; body?: Buffer; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const body =
    options.body ?? (options.json === undefined ? undefined : Buffer.from(JSON.stringify(options.json)));
  const headers: Record<string, string | number> = { ...(options.headers ?? {}) };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.json !== undefined) headers['content-type'] = 'application/json';
  if (body) headers['content-length'] = body.length;
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${urlPath}`, { method, agent, headers, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          headers: res.headers,
        }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('client timeout after 30 s')));
    req.on('error', reject);
    req.end(body);
  });
}

function multipart(fields: Record<string, string>, file: Buffer): { body: Buffer; type: string } {
  const boundary = `load${crypto.randomBytes(8).toString('hex')}`;
  const parts = Object.entries(fields).map(
    ([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  const head = `${parts.join('')}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="page.png"\r\nContent-Type: image/png\r\n\r\n`;
  return {
    body: Buffer.concat([Buffer.from(head), file, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    type: `multipart/form-data; boundary=${boundary}`,
  };
}

/** A private redis-server on a free loopback port (the shared one on 6379 is never touched), or none. */
async function startRedis(): Promise<{ url: string; stop(): Promise<void> } | undefined> {
  if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status !== 0) return undefined;
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50; i++) {
    const up = spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' });
    if (up.stdout?.trim() === 'PONG') break;
    await sleep(100);
  }
  return {
    url,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
    },
  };
}

/** JSON with sorted keys: a replayed body comes back from jsonb, whose key order is its own. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

interface Tally {
  count: number;
  statuses: Record<string, number>;
  latencies: number[];
}

async function main(): Promise<void> {
  const started = new Date();
  const machine = await describeMachine(ADMIN_URL);
  console.log(
    `ColorBook Engine load test — ${settings.connections} connections for ${settings.seconds} s against two ` +
      `processes; ${machine.cpus} cores (${machine.cpuModel}), Node ${machine.node}, PostgreSQL ${machine.postgres}`,
  );
  const busyBefore = await machineBusy(2000);
  console.log(`other load on the machine before the run: ${Math.round(busyBefore * 100)}% of all cores busy`);
  let db: BenchDatabase | undefined;
  let build: ReturnType<typeof buildForBench> | undefined;
  let redis: Awaited<ReturnType<typeof startRedis>>;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'colorbook-load-'));
  const cleanup = async () => {
    await stopAll();
    await redis?.stop();
    await db?.drop();
    fs.rmSync(scratch, { recursive: true, force: true });
    build?.remove();
  };
  cleanUpOnSignal(cleanup);
  try {
    db = await createDatabase(settings.dbPrefix);
    const seeded = await seed(db, {
      users: settings.users,
      projectsPerUser: settings.projectsPerUser,
      bcryptCost: settings.bcryptCost,
    });
    const tokens = await signTokens(seeded.users.map((u) => u.id));
    const users: User[] = seeded.users.map((u, i) => ({ ...u, token: tokens[i] }));
    redis = await startRedis();
    build = buildForBench();
    const dataDir = path.join(scratch, 'data');
    fs.mkdirSync(dataDir);
    const env = {
      NODE_ENV: 'production',
      DATABASE_URL: db.url,
      ...BENCH_SECRETS,
      ...(redis
        ? { REDIS_URL: redis.url, REDIS_KEY_PREFIX: `cbload_${crypto.randomBytes(4).toString('hex')}:` }
        : {}),
      DATA_DIR: dataDir,
      API_RATE_LIMIT: HIGH_LIMIT,
      AUTH_RATE_LIMIT: HIGH_LIMIT,
      BCRYPT_COST: String(settings.bcryptCost),
      // As PM2 and the Docker image run it: sharp's thumbnails otherwise leave glibc's per-thread arenas
      // holding memory (docs/export.md).
      MALLOC_ARENA_MAX: '2',
    };
    const entry = build.server;
    const servers: Proc[] = await Promise.all(
      ['load-a', 'load-b'].map((name) =>
        startProcess({ name, entry, env, readyPath: '/ready', nodeArgs: SERVER_NODE_FLAGS }),
      ),
    );
    console.log(
      `database ${db.name} (${seeded.projects} projects); servers on ${servers.map((s) => s.port).join(' and ')}; ` +
        (redis ? `Redis ${redis.url}` : 'no redis-server here: each process counts limits on its own'),
    );

    const openapi = JSON.parse(
      (await request(new http.Agent(), servers[0].url, 'GET', '/api/openapi.json')).body,
    ) as { paths: Record<string, Record<string, unknown>> };
    const uploads = Boolean(openapi.paths['/api/images']?.post);
    if (!uploads) console.log('POST /api/images is not mounted: uploads are left out of the mix');
    const pngs = await Promise.all(
      [48, 64, 96].map((side) =>
        sharp(crypto.randomBytes(side * side * 3), { raw: { width: side, height: side, channels: 3 } })
          .png()
          .toBuffer(),
      ),
    );

    const agents = servers.map(() => new http.Agent({ keepAlive: true, maxSockets: settings.connections }));
    const tallies = new Map<string, Tally>();
    const created: Created[] = [];
    const failures: string[] = [];
    let fiveHundreds = 0;
    let clientErrors = 0;
    let loginsInFlight = 0;
    let replays = 0;
    const record = (name: string, status: number, ms: number) => {
      const t = tallies.get(name) ?? { count: 0, statuses: {}, latencies: [] };
      t.count++;
      t.statuses[status] = (t.statuses[status] ?? 0) + 1;
      t.latencies.push(ms);
      tallies.set(name, t);
    };
    const note = (message: string) => {
      if (failures.length < 50) failures.push(message);
    };

    /** Each worker is one connection's worth of traffic, bound to one of the two processes. */
    const worker = async (index: number, until: number) => {
      const server = servers[index % 2];
      const other = servers[(index + 1) % 2];
      const agent = agents[index % 2];
      while (Date.now() < until) {
        const user = pick(users);
        const roll = Math.random() * 100;
        let name: string;
        let expected: number[];
        let call: () => Promise<Answer>;
        let onCreated: ((answer: Answer) => void) | undefined;
        if (roll < 32) {
          name = 'GET /api/projects';
          expected = [200];
          call = () => request(agent, server.url, 'GET', '/api/projects?limit=20', { token: user.token });
        } else if (roll < 55) {
          name = 'GET /api/projects/:id';
          expected = [200];
          call = () =>
            request(agent, server.url, 'GET', `/api/projects/${pick(user.projectIds)}`, {
              token: user.token,
            });
        } else if (roll < 65) {
          name = 'POST /api/projects';
          expected = [201];
          call = () =>
            request(agent, server.url, 'POST', '/api/projects', {
              token: user.token,
              json: { title: `${TITLE_PREFIX} ${crypto.randomBytes(4).toString('hex')}`, tags: ['load'] },
            });
          onCreated = (answer) => {
            const id = (JSON.parse(answer.body) as { id: string }).id;
            created.push({ kind: 'project', id, user });
            user.projectIds.push(id);
          };
        } else if (roll < 72) {
          name = 'PUT /api/projects/:id';
          expected = [200];
          call = () =>
            request(agent, server.url, 'PUT', `/api/projects/${pick(user.projectIds)}`, {
              token: user.token,
              json: {
                status: pick(['draft', 'in_progress', 'completed']),
                description: `Edited ${Date.now()}`,
              },
            });
        } else if (roll < 81) {
          name = 'POST /api/stories';
          expected = [201];
          call = () =>
            request(agent, server.url, 'POST', '/api/stories', {
              token: user.token,
              json: {
                projectId: pick(user.projectIds),
                title: `${TITLE_PREFIX} story`,
                content: 'Once upon a time a little dragon learned to draw. '.repeat(20),
              },
            });
          onCreated = (answer) =>
            created.push({ kind: 'story', id: (JSON.parse(answer.body) as { id: string }).id, user });
        } else if (roll < 86) {
          name = 'GET /api/stories';
          expected = [200];
          call = () =>
            request(agent, server.url, 'GET', `/api/stories?projectId=${pick(user.projectIds)}`, {
              token: user.token,
            });
        } else if (roll < 90 && uploads) {
          name = 'POST /api/images';
          expected = [201];
          const form = multipart(
            { projectId: pick(user.projectIds), title: `${TITLE_PREFIX} page` },
            pick(pngs),
          );
          call = () =>
            request(agent, server.url, 'POST', '/api/images', {
              token: user.token,
              body: form.body,
              headers: { 'content-type': form.type },
            });
          onCreated = (answer) =>
            created.push({ kind: 'image', id: (JSON.parse(answer.body) as { id: string }).id, user });
        } else if (roll < 93) {
          // An offline-queue replay: the same Idempotency-Key sent to one process, then to the other.
          name = 'POST /api/projects (Idempotency-Key, replayed)';
          expected = [201];
          const key = crypto.randomUUID();
          const json = {
            title: `${TITLE_PREFIX} ${crypto.randomBytes(4).toString('hex')}`,
            tags: ['load', 'replay'],
          };
          call = async () => {
            const first = await request(agent, server.url, 'POST', '/api/projects', {
              token: user.token,
              json,
              headers: { 'idempotency-key': key },
            });
            if (first.status !== 201) return first;
            const again = await request(agents[(index + 1) % 2], other.url, 'POST', '/api/projects', {
              token: user.token,
              json,
              headers: { 'idempotency-key': key },
            });
            replays++;
            if (
              again.status !== 201 ||
              again.headers['idempotent-replayed'] !== 'true' ||
              canonical(JSON.parse(again.body)) !== canonical(JSON.parse(first.body))
            ) {
              note(
                `replay of ${key} on the other process answered ${again.status}: ${again.body.slice(0, 200)}`,
              );
              return again;
            }
            return first;
          };
          onCreated = (answer) => {
            const id = (JSON.parse(answer.body) as { id: string }).id;
            created.push({ kind: 'project', id, user });
            user.projectIds.push(id);
          };
        } else if (roll < 95 && loginsInFlight < settings.maxLogins) {
          name = 'POST /api/auth/login';
          expected = [200];
          call = async () => {
            loginsInFlight++;
            try {
              return await request(agent, server.url, 'POST', '/api/auth/login', {
                json: { email: user.email, password: BENCH_PASSWORD },
              });
            } finally {
              loginsInFlight--;
            }
          };
        } else {
          name = 'GET /api/auth/me';
          expected = [200];
          call = () => request(agent, server.url, 'GET', '/api/auth/me', { token: user.token });
        }
        const t0 = performance.now();
        try {
          const answer = await call();
          record(name, answer.status, performance.now() - t0);
          if (answer.status >= 500) {
            fiveHundreds++;
            note(`${name} on ${server.name}: ${answer.status} ${answer.body.slice(0, 300)}`);
          } else if (!expected.includes(answer.status)) {
            note(`${name} on ${server.name}: ${answer.status} ${answer.body.slice(0, 300)}`);
          } else if (onCreated) {
            onCreated(answer);
          }
        } catch (error) {
          clientErrors++;
          record(name, 0, performance.now() - t0);
          note(`${name} on ${server.name}: ${(error as Error).message}`);
        }
      }
    };

    const rss = servers.map((s) => sampleRss(s));
    const t0 = Date.now();
    const until = t0 + settings.seconds * 1000;
    const progress = setInterval(() => {
      const done = [...tallies.values()].reduce((n, t) => n + t.count, 0);
      console.log(
        `  ${Math.round((Date.now() - t0) / 1000)} s: ${done} requests, ${fiveHundreds} 5xx, ${created.length} created`,
      );
    }, 15_000);
    await Promise.all(Array.from({ length: settings.connections }, (_, i) => worker(i, until)));
    clearInterval(progress);
    const elapsed = (Date.now() - t0) / 1000;
    const peakRss = rss.map((r) => r.stop());

    // Every 201 must be readable afterwards, from either process.
    console.log(`verifying ${created.length} created resources…`);
    const pathOf: Record<Kind, string> = {
      project: '/api/projects/',
      story: '/api/stories/',
      image: '/api/images/',
    };
    let unreadable = 0;
    let cursor = 0;
    const verifier = async (index: number) => {
      for (;;) {
        const item = created[cursor++];
        if (!item) return;
        const answer = await request(
          agents[index % 2],
          servers[index % 2].url,
          'GET',
          `${pathOf[item.kind]}${item.id}`,
          {
            token: item.user.token,
          },
        ).catch((error: Error) => ({ status: 0, body: error.message, headers: {} }));
        if (answer.status !== 200 || !answer.body.includes(item.id)) {
          unreadable++;
          note(
            `created ${item.kind} ${item.id} is not readable: ${answer.status} ${answer.body.slice(0, 200)}`,
          );
        }
      }
    };
    await Promise.all(Array.from({ length: 20 }, (_, i) => verifier(i)));

    // …and the database holds exactly those rows: nothing half-written, nothing created twice.
    const counts = (
      await db.pool.query<{ projects: number; stories: number; images: number }>(
        `SELECT (SELECT count(*)::int FROM projects WHERE title LIKE $1) AS projects,
                (SELECT count(*)::int FROM stories WHERE title LIKE $1) AS stories,
                ${uploads ? '(SELECT count(*)::int FROM images WHERE title LIKE $1)' : '0'} AS images`,
        [`${TITLE_PREFIX}%`],
      )
    ).rows[0];
    const announced = { project: 0, story: 0, image: 0 };
    for (const c of created) announced[c.kind]++;
    const rowsMatch =
      counts.projects === announced.project &&
      counts.stories === announced.story &&
      counts.images === announced.image;
    if (!rowsMatch) {
      note(
        `rows in the database ${JSON.stringify(counts)} differ from the 201s ${JSON.stringify(announced)}`,
      );
    }
    const logLines = servers.map((s) => countLines(s.logFile));
    const errorLines = servers.flatMap((s) =>
      fs
        .readFileSync(s.logFile, 'utf8')
        .split('\n')
        .filter((line) => line.includes('"level":"error"'))
        .slice(0, 5),
    );

    const total = [...tallies.values()].reduce((n, t) => n + t.count, 0);
    const rows = [...tallies.entries()]
      .sort((a, b) => b[1].count - a[1].count)
      .map(([name, t]) => ({
        name,
        count: t.count,
        statuses: t.statuses,
        p50: round1(percentile(t.latencies, 0.5)),
        p99: round1(percentile(t.latencies, 0.99)),
      }));
    const pass =
      fiveHundreds === 0 && clientErrors === 0 && unreadable === 0 && rowsMatch && failures.length === 0;
    const lines = [
      `Load test: ${settings.connections} connections, ${round1(elapsed)} s, two server processes ` +
        `(${redis ? 'shared Redis' : 'no Redis'}, one database, one DATA_DIR); ${machine.cpus} cores ` +
        `(${machine.cpuModel}), Node ${machine.node}, PostgreSQL ${machine.postgres}. Other load on the machine: ` +
        `${Math.round(busyBefore * 100)}% before the run.`,
      '',
      '| request | count | statuses | p50 ms | p99 ms |',
      '|---|---:|---|---:|---:|',
      ...rows.map((r) => `| ${r.name} | ${r.count} | ${JSON.stringify(r.statuses)} | ${r.p50} | ${r.p99} |`),
      `| **all** | **${total}** (${Math.round(total / elapsed)} req/s) | 5xx: ${fiveHundreds}, connection errors: ${clientErrors} | | |`,
      '',
      `Created (201): ${announced.project} projects, ${announced.story} stories, ${announced.image} images; ` +
        `readable afterwards: ${created.length - unreadable}/${created.length}; rows in the database match: ` +
        `${rowsMatch ? 'yes' : 'NO'}; Idempotency-Key replays across processes: ${replays}. ` +
        `Peak RSS: ${peakRss.map(mb).join(' MB and ')} MB.`,
      '',
      `Result: ${pass ? 'PASS' : 'FAIL'}`,
    ];
    const output = lines.join('\n');
    console.log(`\n${output}\n`);
    if (failures.length > 0) console.log(`first problems:\n  ${failures.slice(0, 20).join('\n  ')}`);
    if (errorLines.length > 0) console.log(`server error log lines:\n  ${errorLines.join('\n  ')}`);
    const report = {
      startedAt: started.toISOString(),
      machine,
      settings,
      uploads,
      redis: Boolean(redis),
      elapsedSeconds: round1(elapsed),
      requests: total,
      fiveHundreds,
      clientErrors,
      created: announced,
      unreadable,
      rowsMatch,
      replays,
      peakRssMB: peakRss.map(mb),
      logLines,
      machineBusyBefore: busyBefore,
      rows,
      failures,
      pass,
      table: output,
    };
    if (settings.writeFiles) {
      const dir = path.join(root, 'bench', 'results');
      fs.mkdirSync(dir, { recursive: true });
      const stamp = started.toISOString().replace(/[:.]/g, '-');
      fs.writeFileSync(path.join(dir, `load-${stamp}.json`), JSON.stringify(report, null, 2));
      fs.writeFileSync(
        path.join(dir, 'load-latest.md'),
        `# Latest load test (${started.toISOString()})\n\n${output}\n`,
      );
      console.log(`results: bench/results/load-${stamp}.json and bench/results/load-latest.md`);
    }
    for (const agent of agents) agent.destroy();
    process.exitCode = pass ? 0 : 1;
  } finally {
    await cleanup();
  }
}

main().catch(async (error) => {
  console.error(error);
  await stopAll().catch(() => undefined);
  process.exit(2);
});
