import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { TEST_ENV } from './app';
import { databaseUrlFor } from './db-names';

/**
 * Real processes for the operations tests: the API server as operators run it (`node --import tsx
 * src/server.ts`, forked with an IPC channel the way PM2 does), a throw-away PostgreSQL database on the
 * server at 127.0.0.1:5432, and a private redis-server on a free port. Everything started here is killed by
 * `killAll()`, which each test file calls in afterAll.
 */

const root = path.resolve(__dirname, '..', '..');
const serverEntry = path.join(root, 'src', 'server.ts');
const tsxLoader = pathToFileURL(path.join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** SIGKILLs every process this helper started that is still running, and removes their data folders. */
export async function killAll(): Promise<void> {
  const running = [...children].filter((child) => child.exitCode === null && child.signalCode === null);
  for (const child of running) child.kill('SIGKILL');
  await Promise.all(running.map(exitOf));
  children.clear();
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a truthy value or `deadlineMs` passes (then throws `what`). */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T> | T,
  deadlineMs = 5000,
  everyMs = 50,
): Promise<NonNullable<T>> {
  const until = Date.now() + deadlineMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > until) {
      throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`, { cause: lastError });
    }
    await sleep(everyMs);
  }
}

/** A TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Whether something accepts TCP connections there (checked synchronously, so tests can be skipped). */
function reachableSync(host: string, port: number): boolean {
  const probe = spawnSync(
    process.execPath,
    [
      '-e',
      `const s=require('net').connect(${port},${JSON.stringify(host)});` +
        `s.setTimeout(1000,()=>process.exit(1));s.on('connect',()=>process.exit(0));s.on('error',()=>process.exit(1));`,
    ],
    { timeout: 3000 },
  );
  return probe.status === 0;
}

function commandExists(command: string): boolean {
  return spawnSync(command, ['--version'], { stdio: 'ignore', timeout: 3000 }).status === 0;
}

// ---------------------------------------------------------------------------------------------------------
// PostgreSQL

/** The server's maintenance database: DATABASE_URL's server on a PostgreSQL run, else 127.0.0.1:5432. */
export const POSTGRES_ADMIN_URL = process.env.DATABASE_URL
  ? databaseUrlFor(process.env.DATABASE_URL, 'postgres')
  : 'postgres://postgres@127.0.0.1:5432/postgres';

const adminUrl = new URL(POSTGRES_ADMIN_URL);
export const postgresAddress = { host: adminUrl.hostname, port: Number(adminUrl.port || 5432) };

let postgresChecked: boolean | undefined;
/** PostgreSQL at 127.0.0.1:5432 (or DATABASE_URL's server) accepts connections. */
export function postgresReachable(): boolean {
  return (postgresChecked ??= reachableSync(postgresAddress.host, postgresAddress.port));
}

/**
 * `describe` when `available`; otherwise, outside CI, `describe.skip` with a note saying why. Under CI
 * (`CI` set) the tests always run: a missing service there is a failure, not a skip.
 */
export function describeIf(available: boolean, reason: string): jest.Describe {
  if (available || process.env.CI) return describe;
  console.warn(`[tests/ops] skipped: ${reason} (set CI=1 to make this a failure)`);
  return describe.skip;
}

export interface OpsDatabase {
  name: string;
  /** URL of the database on the real server (not through any proxy). */
  url: string;
  /** The same database through another host and port (a proxy). */
  urlVia(host: string, port: number): string;
  query<T extends pg.QueryResultRow = pg.QueryResultRow>(
    sql: string,
    params?: unknown[],
  ): Promise<pg.QueryResult<T>>;
  drop(): Promise<void>;
}

/** An empty database of the test's own, `colorbook_test_ops_<random>`; the spawned server migrates it. */
export async function createOpsDatabase(): Promise<OpsDatabase> {
  const name = `colorbook_test_ops_${crypto.randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = databaseUrlFor(POSTGRES_ADMIN_URL, name);
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on('error', () => undefined); // pg_terminate_backend in the tests hits these too
  return {
    name,
    url,
    urlVia: (host, port) => {
      const via = new URL(url);
      via.hostname = host;
      via.port = String(port);
      return via.toString();
    },
    query: (sql, params) => pool.query(sql, params),
    drop: async () => {
      await pool.end().catch(() => undefined);
      const cleanup = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await cleanup.connect();
      try {
        await cleanup.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// The API server

export interface SpawnedServer {
  child: ChildProcess;
  port: number;
  /** http://127.0.0.1:<port> */
  url: string;
  dataDir: string;
  /** True once the server sent 'ready' over IPC (PM2's wait_ready). */
  readonly sentReady: boolean;
  /** The last lines it wrote, for failure messages. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly running: boolean;
}

/**
 * Starts `node --import tsx src/server.ts` with the test secrets, LOG_LEVEL=info, PORT=0 on loopback and a
 * temporary DATA_DIR (also its working directory, so no developer `.env` is read), plus `env`. Resolves once
 * it has logged its port and sent 'ready' over IPC.
 */
export async function spawnServer(
  env: Record<string, string | undefined> = {},
  /**
   * `entry`: a compiled server (JavaScript) to run with plain node instead of src/server.ts through tsx.
   * `nodeArgs`: node flags before it (scripts/server-node-flags.cjs, as npm start passes them).
   */
  options: { startTimeoutMs?: number; entry?: string; nodeArgs?: string[] } = {},
): Promise<SpawnedServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'colorbook-ops-'));
  tempDirs.add(dataDir);
  const childEnv: Record<string, string> = {};
  for (const [key, value] of Object.entries({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TSX_TSCONFIG_PATH: path.join(root, 'tsconfig.json'),
    ...TEST_ENV,
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    ...env,
  })) {
    if (value !== undefined) childEnv[key] = value;
  }
  const child = fork(options.entry ?? serverEntry, [], {
    cwd: dataDir,
    env: childEnv,
    execArgv: [...(options.nodeArgs ?? []), ...(options.entry ? [] : ['--import', tsxLoader])],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  children.add(child);

  const lines: string[] = [];
  let port = 0;
  let sentReady = false;
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      lines.push(line);
      if (lines.length > 300) lines.shift();
      const listening = /\blistening\b.*"port":(\d+)/.exec(line);
      if (listening) port = Number(listening[1]);
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  child.on('message', (message) => {
    if (message === 'ready') sentReady = true;
  });
  const exited = exitOf(child);
  const output = () => lines.join('\n');

  const deadline = options.startTimeoutMs ?? 30_000;
  const started = await Promise.race([
    waitFor('the server to listen and send ready', () => port > 0 && sentReady, deadline, 25).then(
      () => true,
      () => false,
    ),
    exited.then(() => false),
  ]);
  if (!started) {
    child.kill('SIGKILL');
    await exited;
    throw new Error(`the server did not start:\n${output()}`);
  }
  return {
    child,
    port,
    url: `http://127.0.0.1:${port}`,
    dataDir,
    get sentReady() {
      return sentReady;
    },
    output,
    exited,
    get running() {
      return child.exitCode === null && child.signalCode === null;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Redis

export const redisServerInstalled = (): boolean => commandExists('redis-server');

export interface RedisServer {
  port: number;
  url: string;
  readonly running: boolean;
  /** Stops the process (SIGTERM; nothing is persisted, so its keys and loaded scripts are gone). */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** SIGSTOP / SIGCONT: a Redis that keeps its connections but stops answering. */
  pause(): void;
  resume(): void;
}

async function pingRedis(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(500, () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', () => resolve(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
  });
}

/**
 * A private redis-server on a free loopback port (`--save "" --appendonly no`): the fault tests stop and
 * pause it; the shared Redis on 6379 is never touched. `port` picks the port (e.g. one nothing runs on yet).
 */
export async function startRedisServer(
  options: { port?: number; started?: boolean } = {},
): Promise<RedisServer> {
  const port = options.port ?? (await freePort());
  let child: ChildProcess | undefined;

  const start = async () => {
    const proc = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
      ],
      { stdio: 'ignore' },
    );
    children.add(proc);
    child = proc;
    await waitFor(`redis-server on port ${port}`, async () => {
      if (proc.exitCode !== null) throw new Error(`redis-server exited with ${proc.exitCode}`);
      return pingRedis(port);
    });
  };
  if (options.started !== false) await start();

  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get running() {
      return Boolean(child && child.exitCode === null && child.signalCode === null);
    },
    start,
    async stop() {
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const proc = child;
      proc.kill('SIGCONT');
      proc.kill('SIGTERM');
      await exitOf(proc);
    },
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
  };
}

/**
 * The database a spawned server should use when the test does not need PostgreSQL itself: a fresh database
 * of its own when PostgreSQL is reachable (quick to start), else none, and the server opens PGlite under its
 * DATA_DIR (a few seconds slower).
 */
export async function serverDatabase(): Promise<{ env: Record<string, string>; db?: OpsDatabase }> {
  if (!postgresReachable()) return { env: {} };
  const db = await createOpsDatabase();
  return { env: { DATABASE_URL: db.url }, db };
}

// ---------------------------------------------------------------------------------------------------------
// Raw HTTP over one socket: for requests sent in pieces and connections the test watches.

export interface RawConnection {
  socket: net.Socket;
  /** Everything received so far. */
  text(): string;
  /** Resolves when the server (or the test) closed the connection. */
  closed: Promise<void>;
  readonly isClosed: boolean;
  write(data: string): void;
}

export function connectRaw(port: number): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    let isClosed = false;
    const closed = new Promise<void>((done) =>
      socket.on('close', () => {
        isClosed = true;
        done();
      }),
    );
    socket.on('data', (data) => (received += data.toString('utf8')));
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => undefined);
      resolve({
        socket,
        text: () => received,
        closed,
        get isClosed() {
          return isClosed;
        },
        write: (data) => socket.write(data),
      });
    });
  });
}

/** The last final (non-1xx) response in a raw HTTP/1.1 exchange. */
export function lastResponse(raw: string): { status: number; headers: Record<string, string>; body: string } {
  const starts = [...raw.matchAll(/HTTP\/1\.1 (\d{3})[^\r\n]*\r\n/g)].filter((m) => !m[1].startsWith('1'));
  const start = starts.at(-1);
  if (!start) throw new Error(`no response in: ${JSON.stringify(raw.slice(0, 500))}`);
  const rest = raw.slice(start.index! + start[0].length);
  const end = rest.indexOf('\r\n\r\n');
  const headers = Object.fromEntries(
    rest
      .slice(0, end)
      .split('\r\n')
      .map((line) => {
        const colon = line.indexOf(':');
        return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
      }),
  );
  return { status: Number(start[1]), headers, body: rest.slice(end + 4) };
}

/** True when nothing accepts connections on the port any more. */
export function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}
