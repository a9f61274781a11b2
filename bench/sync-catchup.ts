/**
 * Catch-up rate of the change feed (`GET /api/sync/changes`): one server process (compiled, as operators run
 * it) on a fresh PostgreSQL database; one user whose feed holds CHANGES log rows (50,000), written the way
 * the API writes them — SQL statements on projects, stories and drawings, each its own transaction, so that
 * the triggers of migration 0013 write the log (never an insert into sync_changes). A mix of creates and
 * updates, so that a page's latest-state dedup (a resource at most once per answer) has work to do. Then a
 * client pulls it all, until `hasMore` is false, two ways:
 *
 *   cold         no `since`: the full state paged by (kind, id), then the log from the pass's horizon
 *   incremental  `since` at the log's start: every one of the CHANGES log rows, in commit order
 *
 * each with limit=500 and limit=1000, ROUNDS times in alternating order. Measured: changes answered per
 * second (wall), log rows covered per second (incremental), pages, page times p50/p99, the server's and
 * PostgreSQL's CPU time per change, and that both ways end with the same local copy.
 *
 *   npm run bench:sync-catchup                    50,000 changes, 3 rounds
 *   CHANGES=200000 ROUNDS=1 npm run bench:sync-catchup
 *
 * `npm run bench` runs the same measurement as its `sync` scenario (BENCH_SCENARIOS=sync), on its own
 * database and server (seedFeed and measureCatchup below). Needs PostgreSQL at BENCH_POSTGRES_URL's server
 * (default postgres://postgres@127.0.0.1:5432/postgres). BENCH_NO_FILES=1: print a SYNC_CATCHUP_REPORT line
 * (the smoke test reads it).
 */
import os from 'node:os';
import bcrypt from 'bcrypt';
import {
  ADMIN_URL,
  BENCH_PASSWORD,
  buildForBench,
  cleanUpOnSignal,
  createDatabase,
  describeMachine,
  envNumber,
  machineBusy,
  percentile,
  round1,
  samplePostgresCpu,
  sessionTokens,
  sleep,
  startSyncServer,
  stopAll,
  type BenchDatabase,
  type Proc,
} from './common';

// ---------------------------------------------------------------------------------------------------------
// Seeding

export interface SeededFeed {
  userId: string;
  email: string;
  /** Log rows the user's feed holds (shared rows of their projects and their own rows). */
  logRows: number;
  /** What the full state holds: resources by kind. */
  resources: Record<string, number>;
  /** Writing statements (each its own transaction). */
  statements: number;
  seconds: number;
}

/** The user's log rows: the shared rows of their projects and the rows meant for them alone. */
async function feedRows(db: BenchDatabase, userId: string): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM sync_changes c
      WHERE c.user_id = $1
         OR (c.user_id IS NULL AND c.project_id IN (SELECT id FROM projects WHERE user_id = $1))`,
    [userId],
  );
  return rows[0].n;
}

/**
 * A new user (`sync-catchup-<n>@example.test`) whose feed holds exactly `changes` log rows (at least a few
 * hundred), written in statements of a few hundred rows, each its own transaction, through the triggers.
 * A cycle: 500 stories created in 20 projects (500 story rows, 20 project rows for `counts`, one user row
 * for the storage used), 100 drawings created in 10 projects, 400 of the 1,500 newest stories edited
 * (title and content, version + 1: people edit what they are working on, so a story's create and its edits
 * often fall into one page, where the feed answers it once), 100 of the 300 newest drawings edited, 20
 * projects edited (any of them). The last statement edits exactly as many stories
 * (version only: the storage used stays, so no user row) as are missing.
 */
export async function seedFeed(
  db: BenchDatabase,
  options: { changes: number; projects?: number },
): Promise<SeededFeed> {
  const started = Date.now();
  const projects = options.projects ?? 200;
  const hash = await bcrypt.hash(BENCH_PASSWORD, 4);
  const email = `sync-catchup-${Date.now()}@example.test`;
  const {
    rows: [user],
  } = await db.pool.query<{ id: string }>(
    `INSERT INTO users (email, password_hash, display_name, email_verified)
     VALUES ($1, $2, 'Sync catch-up', true) RETURNING id`,
    [email, hash],
  );
  const userId = user.id;
  let statements = 0;
  const run = async (sql: string, params: unknown[] = []) => {
    statements++;
    await db.pool.query(sql, [userId, ...params]);
  };
  await run(
    `INSERT INTO projects (user_id, title, description, category, status, tags, settings)
     SELECT $1, 'Catch-up book ' || n, 'Pages for children aged 4 to 8, line art.',
            (ARRAY['animals','fantasy','vehicles','nature',NULL])[1 + n % 5],
            (ARRAY['draft','in_progress','completed','archived'])[1 + n % 4],
            ARRAY['kids','line-art'], '{"pageSize":"letter","style":"line-art"}'::jsonb
       FROM generate_series(1, $2::int) AS n`,
    [projects],
  );
  // Projects in a fixed order, so that a cycle's creates go to the next few of them.
  const projectsAt = `(SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM projects WHERE user_id = $1)`;
  const steps: { rows: number; sql: string; params: (cycle: number) => unknown[] }[] = [
    {
      rows: 500 + 20 + 1,
      sql: `INSERT INTO stories (user_id, project_id, title, content, word_count, position)
            SELECT $1, p.id, 'Story ' || $2::int || '.' || s, 'Once upon a time a little dragon learned to draw, page ' || s || '.', 12, s
              FROM ${projectsAt} p CROSS JOIN generate_series(1, 25) AS s
             WHERE p.k >= ($2::int * 20) % $3::int AND p.k < ($2::int * 20) % $3::int + 20`,
      params: (cycle) => [cycle, projects],
    },
    {
      rows: 100 + 10 + 1,
      sql: `INSERT INTO drawings (user_id, project_id, title, data, width, height)
            SELECT $1, p.id, 'Drawing ' || $2::int || '.' || s,
                   jsonb_build_object('version', 1, 'objects',
                     jsonb_build_array(jsonb_build_object('type', 'path', 'stroke', '#000', 'points', s))),
                   1024, 1024
              FROM ${projectsAt} p CROSS JOIN generate_series(1, 10) AS s
             WHERE p.k >= ($2::int * 10) % $3::int AND p.k < ($2::int * 10) % $3::int + 10`,
      params: (cycle) => [cycle, projects],
    },
    {
      rows: 400 + 1,
      sql: `UPDATE stories SET title = 'Edited story ' || $2::int, content = content || ' And again.',
                   word_count = word_count + 2, version = version + 1, updated_at = now()
             WHERE id IN (SELECT id FROM (SELECT id FROM stories WHERE user_id = $1 ORDER BY created_at DESC, id LIMIT 1500) recent
                           ORDER BY random() LIMIT 400)`,
      params: (cycle) => [cycle],
    },
    {
      rows: 100 + 1,
      sql: `UPDATE drawings SET data = jsonb_set(data, '{edited}', to_jsonb($2::int)), version = version + 1,
                   updated_at = now()
             WHERE id IN (SELECT id FROM (SELECT id FROM drawings WHERE user_id = $1 ORDER BY created_at DESC, id LIMIT 300) recent
                           ORDER BY random() LIMIT 100)`,
      params: (cycle) => [cycle],
    },
    {
      rows: 20,
      sql: `UPDATE projects SET title = 'Catch-up book, edit ' || $2::int, version = version + 1, updated_at = now()
             WHERE id IN (SELECT id FROM projects WHERE user_id = $1 ORDER BY random() LIMIT 20)`,
      params: (cycle) => [cycle],
    },
  ];
  let logRows = await feedRows(db, userId);
  // Full cycles while one more surely fits (a step's `rows` is the most it logs: a drawing edit that
  // leaves the size alone logs no user row); then one more of each step that fits; then the rest exactly.
  const cycleRows = steps.reduce((n, s) => n + s.rows, 0);
  let cycle = 0;
  while (logRows + cycleRows <= options.changes) {
    for (const step of steps) await run(step.sql, step.params(cycle));
    cycle++;
    logRows = await feedRows(db, userId);
  }
  for (const step of steps) {
    if (logRows + step.rows > options.changes) continue;
    await run(step.sql, step.params(cycle));
    logRows = await feedRows(db, userId);
  }
  // The rest: edits of that many stories' versions only (no size change, so exactly one row each); a
  // story may be edited more than once here (in a later statement), as a real user's would.
  while (logRows < options.changes) {
    const missing = Math.min(400, options.changes - logRows);
    await run(
      `UPDATE stories SET version = version + 1, updated_at = now()
        WHERE id IN (SELECT id FROM stories WHERE user_id = $1 ORDER BY random() LIMIT $2)`,
      [missing],
    );
    const now = await feedRows(db, userId);
    if (now === logRows) throw new Error('seeding the feed: an edit logged nothing (too few stories?)');
    logRows = now;
  }
  await db.pool.query('VACUUM ANALYZE');
  const { rows: kinds } = await db.pool.query<{ projects: number; stories: number; drawings: number }>(
    `SELECT (SELECT count(*)::int FROM projects WHERE user_id = $1) AS projects,
            (SELECT count(*)::int FROM stories WHERE user_id = $1) AS stories,
            (SELECT count(*)::int FROM drawings WHERE user_id = $1) AS drawings`,
    [userId],
  );
  return {
    userId,
    email,
    logRows,
    resources: { user: 1, ...kinds[0] },
    statements,
    seconds: round1((Date.now() - started) / 1000),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Pulling

export type CatchupMode = 'cold' | 'incremental';

interface Page {
  changes: { kind: string; id: string; projectId: string | null; op: 'upsert' | 'delete' }[];
  cursor: string;
  hasMore: boolean;
}

interface Pass {
  changes: number;
  pages: number;
  seconds: number;
  pageMs: number[];
  bytes: number;
  /** The local copy at the end: kind:id of every resource held → its project. */
  held: Map<string, string | null>;
}

/**
 * The cursor at the log's start: "after (txid, 0)" for the oldest transaction id in the log takes every row
 * of that transaction and all later ones (the log cursor's form, `v1.<txid>.<seq>` in base64url, is
 * encodeCursor's in src/modules/sync/sync.service.ts).
 */
async function logStartCursor(db: BenchDatabase): Promise<string> {
  const { rows } = await db.pool.query<{ txid: string }>('SELECT min(txid)::text AS txid FROM sync_changes');
  return Buffer.from(`v1.${rows[0].txid}.0`, 'latin1').toString('base64url');
}

/** Pulls until `hasMore` is false, applying each page to a local copy as a client does (docs/sync.md). */
async function pull(server: Proc, token: string, limit: number, since: string | undefined): Promise<Pass> {
  const held = new Map<string, string | null>();
  const pageMs: number[] = [];
  let changes = 0;
  let bytes = 0;
  let cursor = since;
  const started = performance.now();
  for (;;) {
    const query = new URLSearchParams({ limit: String(limit), ...(cursor ? { since: cursor } : {}) });
    const before = performance.now();
    const res = await fetch(`${server.url}/api/sync/changes?${query}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const text = await res.text();
    pageMs.push(performance.now() - before);
    if (res.status !== 200)
      throw new Error(`GET /api/sync/changes answered ${res.status}: ${text.slice(0, 500)}`);
    bytes += Buffer.byteLength(text);
    const page = JSON.parse(text) as Page;
    for (const change of page.changes) {
      const key = `${change.kind}:${change.id}`;
      if (change.op === 'upsert') held.set(key, change.projectId);
      else {
        held.delete(key);
        // A deleted project implies its children (none are deleted here, but a client does this).
        if (change.kind === 'project') {
          for (const [other, projectId] of held) if (projectId === change.id) held.delete(other);
        }
      }
    }
    changes += page.changes.length;
    cursor = page.cursor;
    if (!page.hasMore) break;
  }
  return {
    changes,
    pages: pageMs.length,
    seconds: (performance.now() - started) / 1000,
    pageMs,
    bytes,
    held,
  };
}

export interface CatchupResult {
  mode: CatchupMode;
  limit: number;
  /** Changes answered per second of wall time, over all rounds. */
  changesPerSecond: number;
  /** Incremental: log rows covered per second (the 50,000); cold: the same as changesPerSecond. */
  logRowsPerSecond: number;
  changes: number;
  pages: number;
  seconds: number;
  pageP50Ms: number;
  pageP99Ms: number;
  /** Server CPU time (user + system) per change answered, µs. */
  serverCpuUsPerChange: number;
  /** PostgreSQL's CPU time per change answered, µs. */
  postgresCpuUsPerChange: number;
  kbPerChange: number;
  serverPeakRssMB: number;
  roundChangesPerSecond: number[];
  /** The local copy after the pass holds exactly the user's resources. */
  complete: boolean;
}

/**
 * `rounds` rounds of the four passes (cold and incremental, at each limit), alternating their order from
 * round to round; per pass the server's and PostgreSQL's CPU time and the server's RSS.
 */
export async function measureCatchup(options: {
  server: Proc;
  db: BenchDatabase;
  token: string;
  feed: SeededFeed;
  limits: number[];
  rounds: number;
  onPass?: (text: string) => void;
}): Promise<CatchupResult[]> {
  const { server, db, token, feed } = options;
  const start = await logStartCursor(db);
  const expected = Object.values(feed.resources).reduce((a, b) => a + b, 0);
  const plans = (['cold', 'incremental'] as CatchupMode[]).flatMap((mode) =>
    options.limits.map((limit) => ({ mode, limit })),
  );
  const passes = new Map<string, { pass: Pass; cpuMs: number; pgMs: number; rss: number }[]>();
  // One pass unmeasured: the server's first queries plan and cache, its JIT warms up.
  await pull(server, token, options.limits[0], start);
  for (let round = 0; round < options.rounds; round++) {
    const order = round % 2 === 0 ? plans : [...plans].reverse();
    for (const { mode, limit } of order) {
      const cpuBefore = server.cpuMs();
      const pg = samplePostgresCpu();
      let peakRss = server.rssBytes();
      const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, server.rssBytes())), 100);
      const pass = await pull(server, token, limit, mode === 'cold' ? undefined : start);
      clearInterval(rssTimer);
      const pgMs = pg.stop();
      const cpuMs = server.cpuMs() - cpuBefore;
      const key = `${mode}:${limit}`;
      passes.set(key, [...(passes.get(key) ?? []), { pass, cpuMs, pgMs, rss: peakRss }]);
      options.onPass?.(
        `  round ${round + 1} ${mode.padEnd(11)} limit=${String(limit).padEnd(4)} ${pass.changes} changes, ` +
          `${pass.pages} pages, ${round1(pass.seconds)} s: ${Math.round(pass.changes / pass.seconds)} changes/s`,
      );
    }
  }
  return plans.map(({ mode, limit }) => {
    const runs = passes.get(`${mode}:${limit}`)!;
    const changes = runs.reduce((n, r) => n + r.pass.changes, 0);
    const seconds = runs.reduce((n, r) => n + r.pass.seconds, 0);
    const pageMs = runs.flatMap((r) => r.pass.pageMs);
    const logRows = mode === 'incremental' ? feed.logRows * runs.length : changes;
    return {
      mode,
      limit,
      changesPerSecond: Math.round(changes / seconds),
      logRowsPerSecond: Math.round(logRows / seconds),
      changes: runs[0].pass.changes,
      pages: runs[0].pass.pages,
      seconds: round1(seconds / runs.length),
      pageP50Ms: round1(percentile(pageMs, 0.5)),
      pageP99Ms: round1(percentile(pageMs, 0.99)),
      serverCpuUsPerChange: round1((runs.reduce((n, r) => n + r.cpuMs, 0) * 1000) / changes),
      postgresCpuUsPerChange: round1((runs.reduce((n, r) => n + r.pgMs, 0) * 1000) / changes),
      kbPerChange: round1(runs.reduce((n, r) => n + r.pass.bytes, 0) / 1024 / changes),
      serverPeakRssMB: Math.round(Math.max(...runs.map((r) => r.rss)) / 1024 ** 2),
      roundChangesPerSecond: runs.map((r) => Math.round(r.pass.changes / r.pass.seconds)),
      complete: runs.every((r) => r.pass.held.size === expected),
    };
  });
}

/** The results as a Markdown table (docs/benchmarks.md's). */
export function catchupTable(results: CatchupResult[]): string {
  return [
    '| from | limit | changes | pages | s | changes/s (rounds) | log rows/s | page p50 / p99 ms | server CPU µs/change | PostgreSQL CPU µs/change | KB/change | server RSS MB | complete |',
    '|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|:-:|',
    ...results.map(
      (r) =>
        `| ${r.mode === 'cold' ? 'cold (full state)' : 'log start'} | ${r.limit} | ${r.changes} | ${r.pages} | ${r.seconds} | ` +
        `${r.changesPerSecond} (${r.roundChangesPerSecond.join(', ')}) | ${r.logRowsPerSecond} | ${r.pageP50Ms} / ${r.pageP99Ms} | ` +
        `${r.serverCpuUsPerChange} | ${r.postgresCpuUsPerChange} | ${r.kbPerChange} | ${r.serverPeakRssMB} | ${r.complete ? 'yes' : 'NO'} |`,
    ),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------------------
// npm run bench:sync-catchup

async function main(): Promise<void> {
  const changes = envNumber('CHANGES', 50_000);
  const rounds = envNumber('ROUNDS', 3);
  const limits = (process.env.LIMITS ?? '500,1000').split(',').map((l) => Number(l.trim()));
  const machine = await describeMachine(ADMIN_URL);
  const busy = await machineBusy(2000);
  console.log(
    `sync catch-up — ${machine.cpus} cores (${machine.cpuModel}), Node ${machine.node}, PostgreSQL ${machine.postgres}, ` +
      `load average ${machine.loadAverage.join(' ')}, other load before the run ${Math.round(busy * 100)}% of all cores`,
  );
  const build = buildForBench();
  const db = await createDatabase(process.env.BENCH_DB_PREFIX ?? 'colorbook_bench_sync_');
  cleanUpOnSignal(async () => {
    await stopAll();
    await db.drop();
    build.remove();
  });
  try {
    const feed = await seedFeed(db, { changes });
    console.log(
      `seeded ${feed.logRows} log rows in ${feed.statements} statements in ${feed.seconds} s; the full state: ` +
        Object.entries(feed.resources)
          .map(([kind, n]) => `${n} ${kind}`)
          .join(', '),
    );
    const token = (await sessionTokens(db)).get(feed.userId)!;
    const server = await startSyncServer('sync-catchup', build, db);
    await sleep(1000);
    const results = await measureCatchup({
      server,
      db,
      token,
      feed,
      limits,
      rounds,
      onPass: (line) => console.log(line),
    });
    const table = catchupTable(results);
    console.log(`\n${table}\n`);
    console.log(
      `load average after the run: ${os
        .loadavg()
        .map((n) => round1(n))
        .join(' ')}`,
    );
    if (process.env.BENCH_NO_FILES === '1') {
      console.log(`SYNC_CATCHUP_REPORT ${JSON.stringify({ database: db.name, feed, results })}`);
    }
    process.exitCode = results.every((r) => r.complete) ? 0 : 1;
  } finally {
    await stopAll();
    await db.drop();
    build.remove();
  }
}

if (require.main === module) {
  main().catch(async (error) => {
    console.error(error);
    await stopAll().catch(() => undefined);
    process.exit(2);
  });
}
