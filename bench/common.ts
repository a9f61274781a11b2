import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import bcrypt from 'bcrypt';
import pg from 'pg';
import { migrate } from '../src/db/migrate';
import { PgDatabase } from '../src/db/pg-database';
import { createLogger } from '../src/lib/logger';
import { AccessTokens } from '../src/lib/tokens';

/**
 * What the benchmark (bench.ts), the load test (load-test.ts) and their smoke test share: a throw-away
 * PostgreSQL database seeded with SQL, server processes started the way operators start them, RSS sampling,
 * and autocannon runs that keep every response time so percentiles can be pooled across rounds.
 */

export const root = path.resolve(__dirname, '..');

/**
 * The server as operators run it: compiled JavaScript (`node dist/src/server.js`), not through tsx, whose
 * loader thread alone adds ~60 MB of RSS. Compiled here into bench/.build/ by `npm start`'s build
 * (scripts/quick-build.mjs: SWC, well under a second) plus the baseline, without a type check (that is CI's
 * job, and a colleague's half-typed module must not stop a benchmark). Answers the two entry files.
 */
export function buildForBench(): { server: string; baseline: string; dir: string; remove(): void } {
  // BENCH_BUILD_DIR: a folder an earlier buildForBench() made (the harness smoke test builds once for both
  // harnesses); it is used as it is and left for its maker to remove.
  const given = process.env.BENCH_BUILD_DIR;
  if (given) {
    const server = path.join(given, 'out', 'src', 'server.js');
    const baseline = path.join(given, 'out', 'bench', 'baseline.js');
    if (!fs.existsSync(server) || !fs.existsSync(baseline)) {
      throw new Error(`BENCH_BUILD_DIR ${given} holds no build (out/src/server.js, out/bench/baseline.js)`);
    }
    return { server, baseline, dir: given, remove: () => undefined };
  }
  // A folder of its own per run (two runs at once must not share one), inside the repository so that the
  // compiled server finds package.json, node_modules and database/migrations the way dist/ does.
  const dir = path.join(root, 'bench', '.build', `${process.pid}-${crypto.randomBytes(3).toString('hex')}`);
  fs.mkdirSync(dir, { recursive: true });
  const built = spawnSync(
    process.execPath,
    [
      path.join(root, 'scripts', 'quick-build.mjs'),
      '--out',
      path.join(dir, 'out'),
      '--with',
      path.join('bench', 'baseline.ts'),
    ],
    { encoding: 'utf8' },
  );
  const server = path.join(dir, 'out', 'src', 'server.js');
  const baseline = path.join(dir, 'out', 'bench', 'baseline.js');
  const remove = () => {
    fs.rmSync(dir, { recursive: true, force: true });
    try {
      fs.rmdirSync(path.dirname(dir)); // bench/.build itself, once no other run uses it
    } catch {
      // another run's folder is still there
    }
  };
  if (!fs.existsSync(server) || !fs.existsSync(baseline)) {
    remove();
    throw new Error(`building the server failed:\n${built.stdout}${built.stderr}`);
  }
  return { server, baseline, dir, remove };
}

/** Secrets of the throw-away servers only (never a real deployment's). */
export const BENCH_SECRETS = {
  JWT_SECRET: 'bench-jwt-secret-0123456789-abcdefghijklmnopqrstuvwxyz',
  ENCRYPTION_KEYS: `bench1:${Buffer.alloc(32, 9).toString('base64')}`,
};
export const JWT_ISSUER = 'colorbook-engine';
export const JWT_AUDIENCE = 'colorbook-api';
export const BENCH_PASSWORD = 'bench password 1';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function envNumber(name: string, fallback: number, options: { zero?: boolean } = {}): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (value === 0 && !options.zero)) {
    throw new Error(`${name} must be a ${options.zero ? 'non-negative' : 'positive'} number`);
  }
  return value;
}

// ---------------------------------------------------------------------------------------------------------
// The machine

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGB: number;
  node: string;
  postgres: string;
  os: string;
  loadAverage: number[];
}

export async function describeMachine(adminUrl: string): Promise<Machine> {
  let cpuModel = os.cpus()[0]?.model ?? 'unknown';
  try {
    const line = fs
      .readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) cpuModel = line.split(':')[1].trim();
  } catch {
    // not Linux: os.cpus() it is
  }
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
  await client.end();
  return {
    cpus: os.availableParallelism(),
    cpuModel,
    memoryGB: Math.round(os.totalmem() / 1024 ** 3),
    node: process.version,
    postgres: rows[0].server_version,
    os: `${os.type()} ${os.release()}`,
    loadAverage: os.loadavg().map((n) => Math.round(n * 100) / 100),
  };
}

function cpuTimes(): { busy: number; total: number } | undefined {
  try {
    const fields = fs
      .readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const idle = fields[3] + (fields[4] ?? 0);
    const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/**
 * The share of all cores busy over the next `ms` (0..1; NaN without /proc). Measured before a run it says
 * how much else the machine is doing: other work there skews every number, so the reports carry it.
 */
export async function machineBusy(ms: number): Promise<number> {
  const before = cpuTimes();
  await sleep(ms);
  const after = cpuTimes();
  if (!before || !after || after.total === before.total) return Number.NaN;
  return Math.round(((after.busy - before.busy) / (after.total - before.total)) * 100) / 100;
}

/**
 * Waits (at most `maxMs`) until the rest of the machine is nearly idle (under `threshold` of all cores busy
 * over a second): answers the last reading. Other people's test runs on a shared machine otherwise decide
 * the numbers.
 */
export async function waitUntilQuiet(maxMs: number, threshold = 0.2): Promise<number> {
  const until = Date.now() + maxMs;
  for (;;) {
    const busy = await machineBusy(1000);
    if (!(busy >= threshold) || Date.now() >= until) return busy;
  }
}

// ---------------------------------------------------------------------------------------------------------
// The database

export const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function urlFor(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export interface BenchDatabase {
  name: string;
  url: string;
  pool: pg.Pool;
  drop(): Promise<void>;
}

/** A fresh, empty database `<prefix><random>`, migrated with the project's own migrations. */
export async function createDatabase(prefix = 'colorbook_bench_'): Promise<BenchDatabase> {
  if (!/^[a-z0-9_]+$/.test(prefix)) throw new Error(`bad database prefix ${prefix}`);
  const name = `${prefix}${crypto.randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = urlFor(ADMIN_URL, name);
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on('error', () => undefined);
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    await pool.end().catch(() => undefined);
    const cleanup = new pg.Client({ connectionString: ADMIN_URL });
    await cleanup.connect();
    try {
      await cleanup.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    } finally {
      await cleanup.end();
    }
  };
  try {
    // The server's own migration code, so the schema is exactly what the server expects.
    const logger = createLogger({ level: 'error', json: true, silent: true });
    const db = new PgDatabase({ url, max: 2, connectionTimeoutMs: 5000, statementTimeoutMs: 60_000 }, logger);
    try {
      await migrate(db, logger);
    } finally {
      await db.close();
    }
  } catch (error) {
    await drop();
    throw error;
  }
  return { name, url, pool, drop };
}

export interface Seeded {
  users: { id: string; email: string; projectIds: string[] }[];
  projects: number;
  stories: number;
  seconds: number;
}

/**
 * `users` accounts (all with the password BENCH_PASSWORD, hashed once at `bcryptCost`), each with
 * `projectsPerUser` projects (version 1 recorded, varied timestamps, statuses and categories) and two stories
 * in about a quarter of the projects. Plain SQL with generate_series: 50,000 projects take a few seconds.
 */
export async function seed(
  db: BenchDatabase,
  options: { users: number; projectsPerUser: number; bcryptCost: number },
): Promise<Seeded> {
  const started = Date.now();
  const hash = await bcrypt.hash(BENCH_PASSWORD, options.bcryptCost);
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO users (email, password_hash, display_name, email_verified)
       SELECT 'bench-user-' || n || '@example.test', $1, 'Bench user ' || n, true
         FROM generate_series(1, $2::int) AS n`,
      [hash, options.users],
    );
    await client.query(
      `INSERT INTO projects (user_id, title, description, category, status, tags, settings, created_at, updated_at)
       SELECT s.user_id,
              'Coloring book ' || s.n || ' — ' || (ARRAY['Dinosaurs','Space','Ocean','Castles','Farm'])[1 + s.n % 5],
              CASE WHEN s.n % 3 = 0 THEN NULL ELSE 'Pages for children aged 4 to 8, line art, one scene a page.' END,
              (ARRAY['animals','fantasy','vehicles','nature',NULL])[1 + s.n % 5],
              (ARRAY['draft','in_progress','completed','archived'])[1 + s.n % 4],
              CASE WHEN s.n % 2 = 0 THEN ARRAY['kids','line-art'] ELSE ARRAY['bench'] END,
              '{"pageSize":"letter","style":"line-art","ageGroup":"4-8"}'::jsonb,
              s.created, s.created + (random() * interval '30 days')
         FROM (SELECT u.id AS user_id, n, now() - random() * interval '365 days' AS created
                 FROM users u CROSS JOIN generate_series(1, $1::int) AS n) s`,
      [options.projectsPerUser],
    );
    await client.query(
      `INSERT INTO project_versions (project_id, version, changed_fields, snapshot, created_at)
       SELECT id, 1, ARRAY['title','description','category','status','tags','settings','coverImageId'],
              jsonb_build_object('title', title, 'description', description, 'category', category,
                'status', status, 'tags', tags, 'settings', settings, 'coverImageId', cover_image_id),
              created_at
         FROM projects`,
    );
    await client.query(
      `INSERT INTO stories (user_id, project_id, title, content, word_count, position)
       SELECT p.user_id, p.id, 'Story ' || k, 'Once upon a time a little dragon learned to draw.', 9, k
         FROM projects p CROSS JOIN generate_series(1, 2) AS k
        WHERE (hashtext(p.id::text) & 3) = 0`,
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
  await db.pool.query('VACUUM ANALYZE');
  const { rows } = await db.pool.query<{ id: string; email: string; project_ids: string[] }>(
    `SELECT u.id, u.email, array_agg(p.id ORDER BY p.id) AS project_ids
       FROM users u JOIN projects p ON p.user_id = u.id
      GROUP BY u.id, u.email ORDER BY u.email`,
  );
  const counts = await db.pool.query<{ projects: number; stories: number }>(
    'SELECT (SELECT count(*)::int FROM projects) AS projects, (SELECT count(*)::int FROM stories) AS stories',
  );
  return {
    users: rows.map((r) => ({ id: r.id, email: r.email, projectIds: r.project_ids })),
    projects: counts.rows[0].projects,
    stories: counts.rows[0].stories,
    seconds: Math.round((Date.now() - started) / 100) / 10,
  };
}

/** Access tokens as the server signs them (src/lib/tokens.ts), one per user, valid for `ttlSeconds`. */
export async function signTokens(userIds: string[], ttlSeconds = 3600): Promise<string[]> {
  const tokens = new AccessTokens({
    secret: BENCH_SECRETS.JWT_SECRET,
    issuer: JWT_ISSUER,
    audience: JWT_AUDIENCE,
    ttlSeconds,
  });
  return userIds.map((userId) => tokens.sign({ userId, sessionId: crypto.randomUUID() }));
}

/**
 * A live session and an access token for every user of the database (the sync benchmarks: a stream checks
 * that its session is live), by user id.
 */
export async function sessionTokens(db: BenchDatabase, ttlSeconds = 3600): Promise<Map<string, string>> {
  const { rows } = await db.pool.query<{ id: string; user_id: string }>(
    `INSERT INTO sessions (user_id, expires_at) SELECT id, now() + interval '1 day' FROM users RETURNING id, user_id`,
  );
  const tokens = new AccessTokens({
    secret: BENCH_SECRETS.JWT_SECRET,
    issuer: JWT_ISSUER,
    audience: JWT_AUDIENCE,
    ttlSeconds,
  });
  return new Map(rows.map((s) => [s.user_id, tokens.sign({ userId: s.user_id, sessionId: s.id })]));
}

// ---------------------------------------------------------------------------------------------------------
// Processes

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The node flags every launcher gives the server (scripts/server-node-flags.cjs: npm start, PM2, Docker).
 * The benchmarks start it with them too, so they measure the server as it runs.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS file shared with PM2's config
export const SERVER_NODE_FLAGS = require('../scripts/server-node-flags.cjs') as string[];

export interface Proc {
  name: string;
  child: ChildProcess;
  port: number;
  url: string;
  /** Where its stdout and stderr go (the server's JSON request log). */
  logFile: string;
  dir: string;
  rssBytes(): number;
  /** CPU time it has used so far (user + system), in ms. */
  cpuMs(): number;
  stop(): Promise<void>;
}

const running = new Set<Proc>();

/** Kills every process started here that still runs (SIGKILL after 3 s of SIGTERM). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop()));
}

/** On Ctrl-C or SIGTERM: run `cleanup` (stop the servers, drop the database…), then exit 130. */
export function cleanUpOnSignal(cleanup: () => Promise<void>): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping the servers and dropping the database`);
      cleanup().finally(() => process.exit(130));
    });
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Options of startProcess. */
interface StartOptions {
  name: string;
  entry: string;
  env: Record<string, string>;
  readyPath: string;
  nodeArgs?: string[];
  timeoutMs?: number;
}

/**
 * Starts `node <entry>` (compiled JavaScript) in a temporary folder (no developer `.env` is read there) with exactly
 * `env` (plus PATH/HOME), its output written to a file — as PM2 or Docker would keep it, and so that a
 * slow reader can never hold the server's event loop. Resolves once `readyPath` answers 200 and the process
 * itself holds the port's listening socket: a free port is only free when it is chosen, and another process
 * (a parallel test's server) can take it first and answer `readyPath` in its place. Then the process cannot
 * listen and exits, and it is started again on another port (up to three times).
 */
export async function startProcess(options: StartOptions): Promise<Proc> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startProcessOnce(options);
    } catch (error) {
      const portTaken = /EADDRINUSE/.test((error as Error).message);
      if (!portTaken || options.env.PORT || attempt === 3) throw error;
    }
  }
}

async function startProcessOnce(options: StartOptions): Promise<Proc> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `colorbook-bench-${options.name}-`));
  const logFile = path.join(dir, 'output.log');
  const out = fs.openSync(logFile, 'a');
  const port = Number(options.env.PORT) || (await freePort());
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.entry], {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      DATA_DIR: dir,
      HOST: '127.0.0.1',
      ...options.env,
      PORT: String(port),
    },
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  const url = `http://127.0.0.1:${port}`;
  const proc: Proc = {
    name: options.name,
    child,
    port,
    url,
    logFile,
    dir,
    rssBytes: () => rssOf(child.pid),
    cpuMs: () => cpuMsOf(child.pid),
    stop: async () => {
      running.delete(proc);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited(child);
        clearTimeout(timer);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  running.add(proc);
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const output = fs.readFileSync(logFile, 'utf8').slice(-4000);
      await proc.stop();
      throw new Error(`${options.name} exited before it was ready:\n${output}`);
    }
    try {
      const res = await fetch(`${url}${options.readyPath}`, { signal: AbortSignal.timeout(1000) });
      if (res.status === 200 && listensOn(child.pid, port)) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      const output = fs.readFileSync(logFile, 'utf8').slice(-4000);
      await proc.stop();
      throw new Error(`${options.name} was not ready within ${options.timeoutMs ?? 60_000} ms:\n${output}`);
    }
    await sleep(100);
  }
  return proc;
}

/**
 * Whether process `pid` holds the socket listening on TCP `port` (Linux: the LISTEN entries of /proc/net/tcp
 * and tcp6 against the socket inodes among the process's file descriptors). True where there is no /proc to
 * ask.
 */
export function listensOn(pid: number | undefined, port: number): boolean {
  if (!pid || !fs.existsSync('/proc/net/tcp')) return true;
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!fs.existsSync(table)) continue;
    for (const line of fs.readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is ADDRESS:PORT in hex; state 0A is LISTEN; the inode is the tenth field.
      if (fields[1]?.endsWith(`:${hexPort}`) && fields[3] === '0A') inodes.add(fields[9]);
    }
  }
  try {
    return fs.readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return inodes.has(/^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1] ?? '');
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

/**
 * One server process for the sync benchmarks (bench/sync-*.ts): compiled, production settings, the server
 * node flags, on `db`, rate limits out of the way, LOG_LEVEL=warn (no line per request).
 */
export function startSyncServer(
  name: string,
  build: { server: string },
  db: BenchDatabase,
  env: Record<string, string> = {},
): Promise<Proc> {
  return startProcess({
    name,
    entry: build.server,
    nodeArgs: SERVER_NODE_FLAGS,
    readyPath: '/ready',
    env: {
      NODE_ENV: 'production',
      DATABASE_URL: db.url,
      ...BENCH_SECRETS,
      API_RATE_LIMIT: '1000000',
      LOG_LEVEL: 'warn',
      METRICS_TOKEN: 'bench-metrics-token-0123456789',
      ...env,
    },
  });
}

/** Resident set size of a process from /proc (0 where there is no /proc). */
export function rssOf(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * A process's command name and the CPU time it has used (user + system) in ms, from its /proc stat line
 * (clock ticks of 10 ms); undefined when the process is gone or there is no /proc.
 */
function readStat(pid: number | string): { command: string; cpuMs: number } | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces; after it, utime is the 12th field, stime the 13th.
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    return {
      command: stat.slice(stat.indexOf('(') + 1, close),
      cpuMs: (Number(fields[11]) + Number(fields[12])) * 10,
    };
  } catch {
    return undefined;
  }
}

/**
 * CPU time a process has used (user + system) in ms. CPU per request is steadier than req/s on a machine
 * whose speed swings: it does not count the time the process waited.
 */
export function cpuMsOf(pid: number | undefined): number {
  return pid ? (readStat(pid)?.cpuMs ?? 0) : 0;
}

/** CPU time (ms) of every process named `postgres` on this machine, by pid (empty where there is no /proc). */
function postgresCpuByPid(): Map<number, number> {
  const cpu = new Map<number, number>();
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return cpu;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(entry);
    if (stat?.command === 'postgres') cpu.set(Number(entry), stat.cpuMs);
  }
  return cpu;
}

/**
 * What PostgreSQL spends on a run: the CPU time of its backends (both sides') and its own background work,
 * read every `everyMs` so that a backend that ends during the run (a pool closing an idle connection) is
 * counted up to its last reading, and one that starts during the run is counted from zero. Only one side
 * runs at a time, so the total is that side's. A reading costs this process ~1 ms (counted in the load
 * generator's time, ~2% of it).
 */
export function samplePostgresCpu(everyMs = 250): { stop(): number } {
  const seen = new Map<number, { first: number; last: number }>();
  for (const [pid, ms] of postgresCpuByPid()) seen.set(pid, { first: ms, last: ms });
  const read = () => {
    for (const [pid, ms] of postgresCpuByPid()) {
      const known = seen.get(pid);
      if (known) known.last = ms;
      else seen.set(pid, { first: 0, last: ms });
    }
  };
  const timer = setInterval(read, everyMs);
  return {
    stop() {
      clearInterval(timer);
      read();
      let total = 0;
      for (const { first, last } of seen.values()) total += Math.max(0, last - first);
      return total;
    },
  };
}

/** Samples a process's RSS every `everyMs` until stopped; answers the peak. */
export function sampleRss(proc: Proc, everyMs = 100): { stop(): number } {
  let peak = proc.rssBytes();
  const timer = setInterval(() => {
    peak = Math.max(peak, proc.rssBytes());
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, proc.rssBytes());
    },
  };
}

/** Lines in a log file (the server's one JSON line per request at LOG_LEVEL=info). */
export function countLines(file: string): number {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.length === 0 ? 0 : text.split('\n').filter(Boolean).length;
  } catch {
    return 0;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Load

export interface RunResult {
  requests: number;
  seconds: number;
  rps: number;
  /** Every response time of the run in ms (for pooled percentiles). */
  latencies: number[];
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
}

export interface RequestSpec {
  method?: 'GET' | 'POST' | 'PUT';
  /** Called for every request: path, headers and body (e.g. a random user's token). */
  make: () => { path: string; headers?: Record<string, string>; body?: string | Buffer };
}

/** One autocannon run against `url`; every response's status and time is kept. */
export async function runLoad(options: {
  url: string;
  connections: number;
  seconds: number;
  request: RequestSpec;
  timeoutS?: number;
  /** Requests per second across all connections (default: as fast as the server answers). */
  overallRate?: number;
}): Promise<RunResult> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const first = options.request.make();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.seconds,
        timeout: options.timeoutS ?? 10,
        ...(options.overallRate ? { overallRate: options.overallRate } : {}),
        requests: [
          {
            method: options.request.method ?? 'GET',
            path: first.path,
            headers: first.headers,
            body: first.body,
            setupRequest: (req) => {
              const next = options.request.make();
              return { ...req, path: next.path, headers: next.headers, body: next.body };
            },
          },
        ],
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      latencies.push(responseTime);
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    });
  });
  const requests = latencies.length;
  return {
    requests,
    seconds: result.duration,
    rps: requests / result.duration,
    latencies,
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

/** The q-quantile (0..1) of the values, nearest rank. */
export function percentile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

export const round1 = (n: number) => Math.round(n * 10) / 10;
export const mb = (bytes: number) => Math.round(bytes / 1024 ** 2);

export const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)];
