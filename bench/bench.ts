import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import {
  ADMIN_URL,
  BENCH_PASSWORD,
  machineBusy,
  waitUntilQuiet,
  buildForBench,
  cleanUpOnSignal,
  BENCH_SECRETS,
  countLines,
  createDatabase,
  describeMachine,
  envNumber,
  mb,
  percentile,
  pick,
  samplePostgresCpu,
  root,
  round1,
  runLoad,
  sampleRss,
  SERVER_NODE_FLAGS,
  seed,
  signTokens,
  startProcess,
  stopAll,
  type BenchDatabase,
  type Machine,
  type Proc,
  type RequestSpec,
} from './common';
import { embeddedTable, measureEmbedded, type EmbeddedResults } from './list-embedded';
import { catchupTable, measureCatchup, seedFeed, type CatchupResult, type SeededFeed } from './sync-catchup';

/**
 * `npm run bench`: the project's server against a minimal baseline (bench/baseline.ts) on one freshly seeded
 * PostgreSQL database, in the same run, scenario by scenario, with alternating A/B rounds (this machine's
 * speed swings between minutes, so only numbers from one run are compared). Then a login storm. Prints a
 * table, writes bench/results/<timestamp>.json and bench/results/latest.md. See docs/benchmarks.md.
 *
 * Environment (all optional): BENCH_USERS (1000), BENCH_PROJECTS (50 per user), BENCH_CONNECTIONS (50),
 * BENCH_SECONDS (10 per measured run), BENCH_ROUNDS (3), BENCH_WARMUP_SECONDS (3),
 * BENCH_ACCEPT_ENCODING (none; e.g. `gzip, br`: sent by every request of both sides), BENCH_COMPRESSION (the
 * server's COMPRESSION, default on), BENCH_SCENARIOS (list,get,create,list-warn,login-storm; also `sync`, not run by default: the change
 * feed's catch-up, bench/sync-catchup.ts, on a user of its own with BENCH_SYNC_CHANGES log rows, 50,000; and
 * `embedded`: the list and the get on PGlite against PostgreSQL, bench/list-embedded.ts, LIST_* settings), BENCH_STORM_SECONDS (10),
 * BENCH_STORM_LOGINS (16), BENCH_STORM_READ_CONNECTIONS (50), BENCH_WAIT_QUIET (60: before each round,
 * wait up to this many seconds for other load on the machine to stop; 0 = no wait),
 * BENCH_SERVER_NODE_OPTIONS (NODE_OPTIONS for the server under test only), BENCH_SERVER_NODE_ARGS and
 * BENCH_BASELINE_NODE_ARGS (node flags of each, e.g. --cpu-prof), BENCH_POSTGRES_URL (the maintenance database,
 * postgres://postgres@127.0.0.1:5432/postgres), BENCH_DB_PREFIX (colorbook_bench_), BENCH_DB_POOL_MAX (10: the
 * pool of both servers), BENCH_NO_FILES=1 (print only; the smoke test uses it).
 */

const settings = {
  users: envNumber('BENCH_USERS', 1000),
  projectsPerUser: envNumber('BENCH_PROJECTS', 50),
  connections: envNumber('BENCH_CONNECTIONS', 50),
  seconds: envNumber('BENCH_SECONDS', 10),
  rounds: envNumber('BENCH_ROUNDS', 3),
  warmupSeconds: envNumber('BENCH_WARMUP_SECONDS', 3),
  stormSeconds: envNumber('BENCH_STORM_SECONDS', 10),
  stormLogins: envNumber('BENCH_STORM_LOGINS', 16),
  stormReadConnections: envNumber('BENCH_STORM_READ_CONNECTIONS', 50),
  /** The `sync` scenario: log rows in its user's feed. */
  syncChanges: envNumber('BENCH_SYNC_CHANGES', 50_000),
  bcryptCost: envNumber('BENCH_BCRYPT_COST', 12),
  /** Before each round, wait up to this long for the rest of the machine to go quiet (0: do not wait). */
  waitQuietSeconds: envNumber('BENCH_WAIT_QUIET', 60, { zero: true }),
  scenarios: (process.env.BENCH_SCENARIOS ?? 'list,get,create,list-warn,login-storm')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
  dbPrefix: process.env.BENCH_DB_PREFIX ?? 'colorbook_bench_',
  /** DB_POOL_MAX of both servers (the server's default is 10). */
  poolMax: envNumber('BENCH_DB_POOL_MAX', 10),
  /** NODE_OPTIONS of the server under test only (e.g. --max-semi-space-size=32); the baseline runs without. */
  serverNodeOptions: process.env.BENCH_SERVER_NODE_OPTIONS ?? '',
  /** Sent by every request of both sides, e.g. `gzip, br` as browsers do (docs/benchmarks.md, compression). */
  acceptEncoding: process.env.BENCH_ACCEPT_ENCODING ?? '',
  /** The server's COMPRESSION setting (on/off), to measure the middleware itself. */
  compression: process.env.BENCH_COMPRESSION ?? '',
  writeFiles: process.env.BENCH_NO_FILES !== '1',
};

/**
 * The targets (issue 25, "Speed"): against the MINIMAL hand-written endpoints (bench/baseline.ts,
 * createMinimalApp), req/s at least `ratio` of theirs and, for the list, p99 at most `p99Factor` × theirs;
 * the server's RSS under load; the login storm's /health p99. The same-SQL baseline's ratio is reported
 * beside them (what the framework costs), without a target of its own.
 */
const TARGETS = {
  list: { ratio: 0.9, p99Factor: 1.3 },
  get: { ratio: 0.9 },
  create: { ratio: 0.85 },
  rssMB: 150,
  healthP99Ms: 50,
};

/** Rate limits raised out of the way: at 50 connections one user would pass 600/min in a moment. */
const HIGH_LIMIT = '1000000000';

interface Fixture {
  users: { id: string; email: string; token: string; projectIds: string[] }[];
}

interface Side {
  rps: number;
  requests: number;
  p50: number;
  p99: number;
  peakRssMB: number;
  /** The server's own CPU time (user + system) per request, in µs: steadier than req/s here. */
  cpuUsPerRequest: number;
  /** PostgreSQL's CPU time per request (its backends and background work), in µs. */
  postgresCpuUsPerRequest: number;
  /** The load generator's (autocannon in this process) CPU time per request, in µs. */
  loadGeneratorCpuUsPerRequest: number;
  statuses: Record<string, number>;
  errors: number;
  rounds: {
    rps: number;
    p50: number;
    p99: number;
    cpuUsPerRequest: number;
    postgresCpuUsPerRequest: number;
    loadGeneratorCpuUsPerRequest: number;
  }[];
}

interface ScenarioResult {
  scenario: string;
  description: string;
  ours: Side;
  /** The same-SQL baseline: what the framework costs. */
  baseline: Side;
  /** The minimal hand-written endpoint: what the framework and our features cost. */
  minimal: Side;
  /** ours / baseline req/s. */
  ratio: number;
  roundRatios: number[];
  /** ours / minimal req/s, overall and per round; ours p99 / minimal p99. */
  minimalRatio: number;
  minimalRoundRatios: number[];
  p99Factor: number;
  /** Share of all cores the rest of the machine used just before each round. */
  busyBeforeRounds: number[];
  target: { ratio?: number; p99Factor?: number; rssMB: number };
  met: boolean;
  problems: string[];
}

type Who = 'ours' | 'baseline' | 'minimal';

interface StormResult {
  scenario: 'login-storm';
  quiet: { healthP50: number; healthP99: number; reads: number; readsRps: number };
  storm: {
    healthP50: number;
    healthP99: number;
    reads: number;
    readsRps: number;
    logins: number;
    loginStatuses: Record<string, number>;
    loginP50: number;
    loginP99: number;
  };
  peakRssMB: number;
  target: { healthP99Ms: number };
  met: boolean;
  problems: string[];
}

function scenarioRequest(name: string, fixture: Fixture): { spec: RequestSpec; description: string } {
  const auth = (token: string): Record<string, string> => ({
    authorization: `Bearer ${token}`,
    ...(settings.acceptEncoding ? { 'accept-encoding': settings.acceptEncoding } : {}),
  });
  switch (name) {
    case 'list':
    case 'list-warn':
      return {
        description:
          'GET /api/projects?limit=20 (a random one of the users; 50 projects each, counts included)',
        spec: {
          make: () => ({ path: '/api/projects?limit=20', headers: auth(pick(fixture.users).token) }),
        },
      };
    case 'get':
      return {
        description: 'GET /api/projects/:id (a random project of a random user)',
        spec: {
          make: () => {
            const user = pick(fixture.users);
            return { path: `/api/projects/${pick(user.projectIds)}`, headers: auth(user.token) };
          },
        },
      };
    case 'create':
      return {
        description:
          'POST /api/projects {title, description, tags} (insert + version 1 + event, one transaction)',
        spec: {
          method: 'POST',
          make: () => ({
            path: '/api/projects',
            headers: { ...auth(pick(fixture.users).token), 'content-type': 'application/json' },
            body: JSON.stringify({
              title: `Bench book ${crypto.randomBytes(4).toString('hex')}`,
              description: 'Made by the benchmark',
              tags: ['bench', 'kids'],
            }),
          }),
        },
      };
    default:
      throw new Error(`unknown scenario ${name}`);
  }
}

function expectedStatus(name: string): string {
  return name === 'create' ? '201' : '200';
}

const usPerRequest = (cpuMs: number, requests: number) =>
  requests > 0 ? Math.round((cpuMs * 1000) / requests) : 0;

type Run = Awaited<ReturnType<typeof measure>>;

function side(runs: Run[]): Side {
  const latencies = runs.flatMap((r) => r.result.latencies);
  const statuses: Record<string, number> = {};
  for (const { result } of runs) {
    for (const [status, n] of Object.entries(result.statuses)) statuses[status] = (statuses[status] ?? 0) + n;
  }
  const requests = runs.reduce((n, r) => n + r.result.requests, 0);
  const seconds = runs.reduce((n, r) => n + r.result.seconds, 0);
  return {
    rps: Math.round(requests / seconds),
    requests,
    p50: round1(percentile(latencies, 0.5)),
    p99: round1(percentile(latencies, 0.99)),
    peakRssMB: mb(Math.max(...runs.map((r) => r.peakRss))),
    cpuUsPerRequest: usPerRequest(
      runs.reduce((n, r) => n + r.cpuMs, 0),
      requests,
    ),
    postgresCpuUsPerRequest: usPerRequest(
      runs.reduce((n, r) => n + r.postgresCpuMs, 0),
      requests,
    ),
    loadGeneratorCpuUsPerRequest: usPerRequest(
      runs.reduce((n, r) => n + r.loadGeneratorCpuMs, 0),
      requests,
    ),
    statuses,
    errors: runs.reduce((n, r) => n + r.result.errors + r.result.timeouts, 0),
    rounds: runs.map(({ result, cpuMs, postgresCpuMs, loadGeneratorCpuMs }) => ({
      rps: Math.round(result.rps),
      p50: round1(percentile(result.latencies, 0.5)),
      p99: round1(percentile(result.latencies, 0.99)),
      cpuUsPerRequest: usPerRequest(cpuMs, result.requests),
      postgresCpuUsPerRequest: usPerRequest(postgresCpuMs, result.requests),
      loadGeneratorCpuUsPerRequest: usPerRequest(loadGeneratorCpuMs, result.requests),
    })),
  };
}

async function measure(target: Proc, spec: RequestSpec, seconds: number, connections = settings.connections) {
  const rss = sampleRss(target);
  const cpuBefore = target.cpuMs();
  const postgres = samplePostgresCpu();
  // autocannon runs in this process: its CPU time is this process's.
  const loadGeneratorBefore = process.cpuUsage();
  const result = await runLoad({ url: target.url, connections, seconds, request: spec });
  const loadGenerator = process.cpuUsage(loadGeneratorBefore);
  return {
    result,
    peakRss: rss.stop(),
    cpuMs: target.cpuMs() - cpuBefore,
    postgresCpuMs: postgres.stop(),
    loadGeneratorCpuMs: (loadGenerator.user + loadGenerator.system) / 1000,
  };
}

async function compare(name: string, sides: Record<Who, Proc>, fixture: Fixture): Promise<ScenarioResult> {
  const { spec, description } = scenarioRequest(name, fixture);
  const base = name.replace(/-warn$/, '') as 'list' | 'get' | 'create';
  console.log(`\n${name}: ${description}`);
  // Warm-up: JIT, pool connections, PostgreSQL's caches; not measured.
  for (const who of ['minimal', 'baseline', 'ours'] as const) {
    await measure(sides[who], spec, settings.warmupSeconds);
  }
  const runs: Record<Who, Run[]> = { ours: [], baseline: [], minimal: [] };
  const roundRatios: number[] = [];
  const minimalRoundRatios: number[] = [];
  const busyBeforeRounds: number[] = [];
  const rotation: Who[] = ['minimal', 'baseline', 'ours'];
  for (let round = 0; round < settings.rounds; round++) {
    if (settings.waitQuietSeconds > 0) {
      busyBeforeRounds.push(await waitUntilQuiet(settings.waitQuietSeconds * 1000));
    }
    // Rotate who goes first, so a slow minute does not always fall on the same side.
    const order = [...rotation.slice(round % 3), ...rotation.slice(0, round % 3)];
    const got: Partial<Record<Who, number>> = {};
    for (const who of order) {
      const run = await measure(sides[who], spec, settings.seconds);
      runs[who].push(run);
      got[who] = run.result.rps;
      console.log(
        `  round ${round + 1} ${who.padEnd(8)} ${Math.round(run.result.rps)
          .toString()
          .padStart(6)} req/s  p50 ${round1(percentile(run.result.latencies, 0.5))} ms  p99 ${round1(
          percentile(run.result.latencies, 0.99),
        )} ms  CPU µs/req: server ${usPerRequest(run.cpuMs, run.result.requests)}, PostgreSQL ${usPerRequest(
          run.postgresCpuMs,
          run.result.requests,
        )}, load generator ${usPerRequest(run.loadGeneratorCpuMs, run.result.requests)}  RSS ${mb(run.peakRss)} MB`,
      );
    }
    roundRatios.push(Math.round((got.ours! / got.baseline!) * 1000) / 1000);
    minimalRoundRatios.push(Math.round((got.ours! / got.minimal!) * 1000) / 1000);
  }
  const oursSide = side(runs.ours);
  const baselineSide = side(runs.baseline);
  const minimalSide = side(runs.minimal);
  const ratio = Math.round((oursSide.rps / baselineSide.rps) * 1000) / 1000;
  const minimalRatio = Math.round((oursSide.rps / minimalSide.rps) * 1000) / 1000;
  const p99Factor = minimalSide.p99 > 0 ? Math.round((oursSide.p99 / minimalSide.p99) * 100) / 100 : 0;
  const target = { ...TARGETS[base], rssMB: TARGETS.rssMB };
  const problems: string[] = [];
  const ok = expectedStatus(name);
  for (const [who, s] of [
    ['ours', oursSide],
    ['baseline', baselineSide],
    ['minimal', minimalSide],
  ] as const) {
    const wrong = Object.entries(s.statuses).filter(([status]) => status !== ok);
    if (wrong.length > 0 || s.errors > 0) {
      problems.push(
        `${who}: unexpected answers ${JSON.stringify(Object.fromEntries(wrong))}, errors ${s.errors}`,
      );
    }
  }
  if (minimalRatio < target.ratio) problems.push(`ratio to minimal ${minimalRatio} < ${target.ratio}`);
  if ('p99Factor' in target && p99Factor > target.p99Factor) {
    problems.push(`p99 ${oursSide.p99} ms > ${target.p99Factor} × minimal's ${minimalSide.p99} ms`);
  }
  if (oursSide.peakRssMB > target.rssMB) problems.push(`RSS ${oursSide.peakRssMB} MB > ${target.rssMB} MB`);
  return {
    scenario: name,
    description,
    ours: oursSide,
    baseline: baselineSide,
    minimal: minimalSide,
    ratio,
    roundRatios,
    minimalRatio,
    minimalRoundRatios,
    p99Factor,
    busyBeforeRounds,
    target,
    met: problems.length === 0,
    problems,
  };
}

/** autocannon in its own process, so the probe's times are not the load generator's own event-loop delays. */
function probe(url: string, seconds: number, connections: number): Promise<{ p50: number; p99: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        path.join(root, 'node_modules', 'autocannon', 'autocannon.js'),
        '--json',
        '-c',
        String(connections),
        '-d',
        String(seconds),
        url,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      try {
        const result = JSON.parse(out) as { latency: { p50: number; p99: number }; non2xx: number };
        if (result.non2xx > 0) reject(new Error(`probe of ${url}: ${result.non2xx} non-2xx answers`));
        else resolve({ p50: result.latency.p50, p99: result.latency.p99 });
      } catch {
        reject(new Error(`probe of ${url} failed (exit ${code}): ${out.slice(0, 500)}`));
      }
    });
  });
}

/** `count` clients logging in back to back until `until`: statuses and times. */
async function loginLoops(target: Proc, fixture: Fixture, count: number, until: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: count });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const once = (email: string) =>
    new Promise<number>((resolve, reject) => {
      const body = JSON.stringify({ email, password: BENCH_PASSWORD });
      const req = http.request(
        `${target.url}/api/auth/login`,
        {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  await Promise.all(
    Array.from({ length: count }, async () => {
      while (Date.now() < until) {
        const started = performance.now();
        const status = await once(pick(fixture.users).email).catch(() => 0);
        latencies.push(performance.now() - started);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  agent.destroy();
  return { latencies, statuses };
}

async function loginStorm(ours: Proc, fixture: Fixture): Promise<StormResult> {
  const { spec } = scenarioRequest('list', fixture);
  const seconds = settings.stormSeconds;
  console.log(
    `\nlogin-storm: /health p99 while ${settings.stormReadConnections} connections read ` +
      `GET /api/projects, first alone, then with ${settings.stormLogins} concurrent logins (BCRYPT_COST=${settings.bcryptCost})`,
  );
  await measure(ours, spec, settings.warmupSeconds, settings.stormReadConnections);
  if (settings.waitQuietSeconds > 0) await waitUntilQuiet(settings.waitQuietSeconds * 1000);
  const rss = sampleRss(ours);
  const [quietHealth, quietReads] = await Promise.all([
    probe(`${ours.url}/health`, seconds, 2),
    runLoad({ url: ours.url, connections: settings.stormReadConnections, seconds, request: spec }),
  ]);
  console.log(
    `  quiet: /health p50 ${quietHealth.p50} ms p99 ${quietHealth.p99} ms; reads ${Math.round(quietReads.rps)} req/s`,
  );
  const until = Date.now() + seconds * 1000;
  const [stormHealth, stormReads, logins] = await Promise.all([
    probe(`${ours.url}/health`, seconds, 2),
    runLoad({ url: ours.url, connections: settings.stormReadConnections, seconds, request: spec }),
    loginLoops(ours, fixture, settings.stormLogins, until),
  ]);
  const peakRss = rss.stop();
  const loginCount = logins.latencies.length;
  console.log(
    `  storm: /health p50 ${stormHealth.p50} ms p99 ${stormHealth.p99} ms; reads ${Math.round(stormReads.rps)} req/s; ` +
      `${loginCount} logins ${JSON.stringify(logins.statuses)} p50 ${round1(percentile(logins.latencies, 0.5))} ms`,
  );
  const problems: string[] = [];
  if (stormHealth.p99 >= TARGETS.healthP99Ms) problems.push(`/health p99 ${stormHealth.p99} ms >= 50 ms`);
  const badLogins = Object.entries(logins.statuses).filter(([s]) => s !== '200');
  if (badLogins.length > 0) problems.push(`logins answered ${JSON.stringify(Object.fromEntries(badLogins))}`);
  if (loginCount === 0) problems.push('no login completed');
  const badReads = Object.entries({ ...quietReads.statuses, ...stormReads.statuses }).filter(
    ([s]) => s !== '200',
  );
  if (badReads.length > 0) problems.push(`reads answered ${JSON.stringify(Object.fromEntries(badReads))}`);
  if (mb(peakRss) > TARGETS.rssMB) problems.push(`RSS ${mb(peakRss)} MB > ${TARGETS.rssMB} MB`);
  return {
    scenario: 'login-storm',
    quiet: {
      healthP50: quietHealth.p50,
      healthP99: quietHealth.p99,
      reads: quietReads.requests,
      readsRps: Math.round(quietReads.rps),
    },
    storm: {
      healthP50: stormHealth.p50,
      healthP99: stormHealth.p99,
      reads: stormReads.requests,
      readsRps: Math.round(stormReads.rps),
      logins: loginCount,
      loginStatuses: logins.statuses,
      loginP50: Math.round(percentile(logins.latencies, 0.5)),
      loginP99: Math.round(percentile(logins.latencies, 0.99)),
    },
    peakRssMB: mb(peakRss),
    target: { healthP99Ms: TARGETS.healthP99Ms },
    met: problems.length === 0,
    problems,
  };
}

/**
 * The `sync` scenario: the change feed's catch-up (bench/sync-catchup.ts) against the server under test, on
 * a user of its own seeded into the benchmark's database (BENCH_SYNC_CHANGES log rows). Its 200 projects and
 * ~20,000 stories stay: run it alone or last (the other scenarios read the seeded users only, but the tables
 * they read grow).
 */
async function syncCatchup(db: BenchDatabase, ours: Proc) {
  console.log(`\nsync: seeding one user's feed of ${settings.syncChanges} log rows`);
  const feed = await seedFeed(db, { changes: settings.syncChanges });
  console.log(`  seeded ${feed.logRows} log rows in ${feed.statements} statements in ${feed.seconds} s`);
  const [token] = await signTokens([feed.userId]);
  if (settings.waitQuietSeconds > 0) await waitUntilQuiet(settings.waitQuietSeconds * 1000);
  const results = await measureCatchup({
    server: ours,
    db,
    token,
    feed,
    limits: [500, 1000],
    rounds: settings.rounds,
    onPass: (line) => console.log(line),
  });
  return { feed, results };
}

function table(
  machine: Machine,
  results: ScenarioResult[],
  storm: StormResult | undefined,
  busyBefore: number,
): string {
  const lines = [
    `Machine: ${machine.cpus} cores (${machine.cpuModel}), ${machine.memoryGB} GB, ${machine.os}; ` +
      `Node ${machine.node}; PostgreSQL ${machine.postgres} on loopback. ` +
      `${settings.users} users × ${settings.projectsPerUser} projects; ${settings.connections} connections; ` +
      `${settings.rounds} alternating rounds of ${settings.seconds} s per side after ${settings.warmupSeconds} s warm-up. ` +
      (settings.serverNodeOptions
        ? `Server under test with NODE_OPTIONS=${settings.serverNodeOptions}. `
        : '') +
      `Other load on the machine before the run: ${Math.round(busyBefore * 100)}% of all cores.`,
  ];
  // Only the login storm or the sync catch-up chosen: no empty comparison table.
  if (results.length > 0) {
    lines.push(
      '',
      '| scenario | ours req/s | minimal req/s | same-SQL req/s | ours / minimal (target) | ours / same-SQL | p50 / p99 ms ours | minimal | same-SQL | p99 ours / minimal (target) | ours peak RSS MB | met |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:-:|',
    );
  }
  for (const r of results) {
    const p99Target = r.target.p99Factor ? ` (≤ ${r.target.p99Factor})` : '';
    lines.push(
      `| ${r.scenario} | ${r.ours.rps} | ${r.minimal.rps} | ${r.baseline.rps} | ${Math.round(
        r.minimalRatio * 100,
      )}% (≥ ${Math.round((r.target.ratio ?? 0) * 100)}%) | ${Math.round(r.ratio * 100)}% | ${r.ours.p50} / ${
        r.ours.p99
      } | ${r.minimal.p50} / ${r.minimal.p99} | ${r.baseline.p50} / ${r.baseline.p99} | ${r.p99Factor}×${p99Target} | ${
        r.ours.peakRssMB
      } (≤ ${r.target.rssMB}) | ${r.met ? 'yes' : 'NO'} |`,
    );
  }
  if (results.length > 0) {
    // The server, PostgreSQL and the load generator share the machine's cores: what each spends per request.
    lines.push(
      '',
      '| CPU µs per request, ours / minimal / same-SQL | server | PostgreSQL | load generator | all three |',
      '|---|---:|---:|---:|---:|',
    );
    const all = (s: Side) => s.cpuUsPerRequest + s.postgresCpuUsPerRequest + s.loadGeneratorCpuUsPerRequest;
    const three = (f: (s: Side) => number, r: ScenarioResult) =>
      `${f(r.ours)} / ${f(r.minimal)} / ${f(r.baseline)}`;
    for (const r of results) {
      lines.push(
        `| ${r.scenario} | ${three((s) => s.cpuUsPerRequest, r)} | ${three(
          (s) => s.postgresCpuUsPerRequest,
          r,
        )} | ${three((s) => s.loadGeneratorCpuUsPerRequest, r)} | ${three(all, r)} |`,
      );
    }
  }
  if (storm) {
    lines.push(
      '',
      '| login storm | /health p50 / p99 ms (target p99 < 50) | reads req/s | logins (p50 / p99 ms) | ours peak RSS MB | met |',
      '|---|---:|---:|---:|---:|:-:|',
      `| reads only | ${storm.quiet.healthP50} / ${storm.quiet.healthP99} | ${storm.quiet.readsRps} | — | | |`,
      `| reads + ${settings.stormLogins} concurrent logins | ${storm.storm.healthP50} / ${storm.storm.healthP99} | ${
        storm.storm.readsRps
      } | ${storm.storm.logins} (${storm.storm.loginP50} / ${storm.storm.loginP99}) | ${storm.peakRssMB} | ${
        storm.met ? 'yes' : 'NO'
      } |`,
    );
  }
  return lines.join('\n');
}

/**
 * Takes the database back to what was seeded after `create` (which adds thousands of projects with their
 * versions and events), so every scenario reads the same 1,000 × 50 projects wherever it stands in the
 * order: without this the scenarios after `create` listed ~40% more projects per user, and autovacuum
 * worked on the new rows while they ran. `create` titles its projects "Bench book …"; the seed never does.
 */
async function restoreSeededState(db: BenchDatabase): Promise<void> {
  const started = Date.now();
  const created = `SELECT id FROM projects WHERE title LIKE 'Bench book %'`;
  await db.pool.query(`DELETE FROM analytics_events WHERE project_id IN (${created})`);
  const { rowCount } = await db.pool.query(`DELETE FROM projects WHERE id IN (${created})`);
  await db.pool.query('VACUUM (ANALYZE) projects, project_versions, analytics_events');
  console.log(
    `  (removed the ${rowCount ?? 0} projects made by create and vacuumed in ${Date.now() - started} ms)`,
  );
}

async function main(): Promise<void> {
  const started = new Date();
  const machine = await describeMachine(ADMIN_URL);
  console.log(
    `ColorBook Engine benchmark — ${machine.cpus} cores (${machine.cpuModel}), Node ${machine.node}, ` +
      `PostgreSQL ${machine.postgres}, load average ${machine.loadAverage.join(' ')}`,
  );
  const busyBefore = await machineBusy(2000);
  console.log(`other load on the machine before the run: ${Math.round(busyBefore * 100)}% of all cores busy`);
  if (busyBefore > 0.15) {
    console.log(
      '  (the machine is busy: numbers from this run will be low and noisy; ratios are still paired)',
    );
  }
  let db: BenchDatabase | undefined;
  let build: ReturnType<typeof buildForBench> | undefined;
  const cleanup = async () => {
    await stopAll();
    await db?.drop();
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
    console.log(
      `database ${db.name}: ${seeded.users.length} users, ${seeded.projects} projects, ${seeded.stories} stories ` +
        `seeded in ${seeded.seconds} s`,
    );
    const tokens = await signTokens(seeded.users.map((u) => u.id));
    const fixture: Fixture = { users: seeded.users.map((u, i) => ({ ...u, token: tokens[i] })) };

    const serverEnv = (logLevel: string) => ({
      NODE_ENV: 'production',
      DATABASE_URL: db!.url,
      ...BENCH_SECRETS,
      BCRYPT_COST: String(settings.bcryptCost),
      API_RATE_LIMIT: HIGH_LIMIT,
      AUTH_RATE_LIMIT: HIGH_LIMIT,
      LOG_LEVEL: logLevel,
      DB_POOL_MAX: String(settings.poolMax),
      ...(settings.serverNodeOptions ? { NODE_OPTIONS: settings.serverNodeOptions } : {}),
      ...(settings.compression ? { COMPRESSION: settings.compression } : {}),
    });
    build = buildForBench();
    const serverEntry = build.server;
    const ours = await startProcess({
      name: 'server',
      entry: serverEntry,
      env: serverEnv('info'),
      readyPath: '/ready',
      // e.g. BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server under test.
      nodeArgs: [
        ...SERVER_NODE_FLAGS,
        ...(process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean),
      ],
    });
    const baseline = await startProcess({
      name: 'baseline',
      entry: build.baseline,
      env: {
        DATABASE_URL: db.url,
        JWT_SECRET: BENCH_SECRETS.JWT_SECRET,
        DB_POOL_MAX: String(settings.poolMax),
      },
      readyPath: '/health',
      // The same for the baseline: BENCH_BASELINE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof-baseline".
      nodeArgs: (process.env.BENCH_BASELINE_NODE_ARGS ?? '').split(' ').filter(Boolean),
    });
    // The second baseline: the endpoints written by hand (no counts, no total, no version, no event).
    const minimal = await startProcess({
      name: 'minimal',
      entry: build.baseline,
      env: {
        BASELINE: 'minimal',
        DATABASE_URL: db.url,
        JWT_SECRET: BENCH_SECRETS.JWT_SECRET,
        DB_POOL_MAX: String(settings.poolMax),
      },
      readyPath: '/health',
      nodeArgs: (process.env.BENCH_BASELINE_NODE_ARGS ?? '').split(' ').filter(Boolean),
    });
    let quiet: Proc | undefined;
    const results: ScenarioResult[] = [];
    let storm: StormResult | undefined;
    let sync: { feed: SeededFeed; results: CatchupResult[] } | undefined;
    let embedded: EmbeddedResults | undefined;
    for (const name of settings.scenarios) {
      if (name === 'embedded') {
        // The list and the get on PGlite against PostgreSQL, in this process (bench/list-embedded.ts).
        console.log(
          '\nembedded: the list and the get through the query functions, PGlite against PostgreSQL',
        );
        embedded = await measureEmbedded();
      } else if (name === 'login-storm') {
        storm = await loginStorm(ours, fixture);
      } else if (name === 'sync') {
        sync = await syncCatchup(db, ours);
      } else if (name === 'list-warn') {
        // The same server at LOG_LEVEL=warn (no line per request): what the request log costs.
        quiet ??= await startProcess({
          name: 'server-warn',
          entry: serverEntry,
          env: serverEnv('warn'),
          readyPath: '/ready',
          nodeArgs: SERVER_NODE_FLAGS,
        });
        results.push(await compare(name, { ours: quiet, baseline, minimal }, fixture));
      } else {
        results.push(await compare(name, { ours, baseline, minimal }, fixture));
        if (name === 'create') await restoreSeededState(db);
      }
    }
    const logLines = countLines(ours.logFile);

    const output =
      table(machine, results, storm, busyBefore) +
      (sync
        ? `\n\nSync catch-up: one user's feed of ${sync.feed.logRows} log rows (full state: ${Object.entries(
            sync.feed.resources,
          )
            .map(([kind, n]) => `${n} ${kind}`)
            .join(
              ', ',
            )}), pulled until hasMore is false, ${settings.rounds} round(s).\n\n${catchupTable(sync.results)}`
        : '') +
      (embedded ? `\n\nEmbedded database: ${embeddedTable(embedded)}` : '');
    console.log(`\n${output}\n`);
    console.log(`(the server at LOG_LEVEL=info wrote ${logLines} log lines)`);
    for (const r of [...results, ...(storm ? [storm] : [])]) {
      if (!r.met) console.log(`MISSED ${r.scenario}: ${r.problems.join('; ')}`);
    }
    const syncComplete = sync?.results.every((r) => r.complete) ?? true;
    if (!syncComplete)
      console.log('MISSED sync: a catch-up pass did not end with every resource of the user');
    const report = {
      startedAt: started.toISOString(),
      finishedAt: new Date().toISOString(),
      machine,
      machineBusyBefore: busyBefore,
      settings,
      server: {
        command: 'node src/server.js (compiled with tsconfig.build.json into bench/.build)',
        env: {
          NODE_ENV: 'production',
          LOG_LEVEL: 'info',
          API_RATE_LIMIT: HIGH_LIMIT,
          AUTH_RATE_LIMIT: HIGH_LIMIT,
          NODE_OPTIONS: settings.serverNodeOptions || undefined,
        },
        logLines,
      },
      seeded: { users: seeded.users.length, projects: seeded.projects, stories: seeded.stories },
      results,
      storm,
      sync,
      embedded,
      table: output,
    };
    if (settings.writeFiles) {
      const dir = path.join(root, 'bench', 'results');
      fs.mkdirSync(dir, { recursive: true });
      const stamp = started.toISOString().replace(/[:.]/g, '-');
      fs.writeFileSync(path.join(dir, `${stamp}.json`), JSON.stringify(report, null, 2));
      fs.writeFileSync(
        path.join(dir, 'latest.md'),
        `# Latest benchmark (${started.toISOString()})\n\n${output}\n`,
      );
      console.log(`results: bench/results/${stamp}.json and bench/results/latest.md`);
    } else {
      console.log(`BENCH_REPORT ${JSON.stringify({ database: db.name, results, storm, sync, logLines })}`);
    }
    const allMet = results.every((r) => r.met) && (storm?.met ?? true) && syncComplete;
    process.exitCode = allMet ? 0 : 1;
  } finally {
    await cleanup();
  }
}

main().catch(async (error) => {
  console.error(error);
  await stopAll().catch(() => undefined);
  process.exit(2);
});
