import crypto from 'node:crypto';
import type { Database } from '../src/db/database';
import { migrate } from '../src/db/migrate';
import { PgDatabase } from '../src/db/pg-database';
import { PgliteDatabase } from '../src/db/pglite-database';
import { createLogger } from '../src/lib/logger';
import * as q from '../src/modules/projects/projects.queries';
import { createDatabase, envNumber } from './common';

/**
 * `npx tsx bench/list-embedded.ts`, also the `embedded` scenario of `npm run bench` (issue 25): the project list and the single read, through the server's own
 * query functions and Database classes, on the embedded database (PGlite, in memory) and on PostgreSQL
 * (a fresh database on loopback), with the same seed: µs per call, one caller at a time (PGlite runs one
 * statement at a time in any case), 3 alternating rounds. No HTTP: this measures the database layer the two
 * deployments differ in. See docs/benchmarks.md.
 *
 * Environment: LIST_USERS (200), LIST_PROJECTS (50 per user), LIST_CALLS (2000 per round and kind),
 * BENCH_POSTGRES_URL as for `npm run bench`.
 */

const users = () => envNumber('LIST_USERS', 200);
const perUser = () => envNumber('LIST_PROJECTS', 50);
const calls = () => envNumber('LIST_CALLS', 2000);

/** The bench's seed (bench/common.ts) in small, through any Database: users, projects, stories. */
async function seed(db: Database): Promise<{ userIds: string[]; projectIds: Map<string, string[]> }> {
  await db.query(
    `INSERT INTO users (email, password_hash, display_name, email_verified)
     SELECT 'list-' || n || '@example.test', 'x', 'List user ' || n, true FROM generate_series(1, $1::int) AS n`,
    [users()],
  );
  await db.query(
    `INSERT INTO projects (user_id, title, description, status, tags, settings, created_at, updated_at)
     SELECT u.id, 'Coloring book ' || n, 'Pages for children aged 4 to 8.',
            (ARRAY['draft','in_progress','completed','archived'])[1 + n % 4], ARRAY['kids'],
            '{"pageSize":"letter","style":"line-art"}'::jsonb, now() - n * interval '1 hour',
            now() - n * interval '1 minute'
       FROM users u CROSS JOIN generate_series(1, $1::int) AS n`,
    [perUser()],
  );
  await db.query(
    `INSERT INTO stories (user_id, project_id, title, content, word_count, position)
     SELECT p.user_id, p.id, 'Story ' || k, 'Once upon a time a little dragon learned to draw.', 9, k
       FROM projects p CROSS JOIN generate_series(1, 2) AS k WHERE (hashtext(p.id::text) & 3) = 0`,
  );
  await db.exec('ANALYZE');
  const { rows } = await db.query<{ user_id: string; id: string }>('SELECT user_id, id FROM projects');
  const projectIds = new Map<string, string[]>();
  for (const row of rows) projectIds.set(row.user_id, [...(projectIds.get(row.user_id) ?? []), row.id]);
  return { userIds: [...projectIds.keys()], projectIds };
}

const pick = <T>(items: readonly T[]): T => items[crypto.randomInt(items.length)];

async function timeCalls(work: () => Promise<unknown>): Promise<number> {
  const n = calls();
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await work();
  return Number(process.hrtime.bigint() - started) / 1000 / n;
}

export type EmbeddedResults = Record<string, Record<'pglite' | 'postgres', number[]>>;

/** µs per call of each kind (list, get) on each database, per round. */
export async function measureEmbedded(): Promise<EmbeddedResults> {
  const pglite = await PgliteDatabase.open({});
  // Migrated by createDatabase, as for `npm run bench`.
  const pgBench = await createDatabase(process.env.BENCH_DB_PREFIX ?? 'colorbook_bench_');
  pgBench.pool.on('error', () => undefined);
  const pg = new PgDatabase(
    { url: pgBench.url, max: 1, connectionTimeoutMs: 5000, statementTimeoutMs: 60_000 },
    createLogger({ level: 'error', json: true, silent: true }),
  );
  try {
    await migrate(pglite);
    const sides = {
      pglite: { db: pglite as Database, ...(await seed(pglite)) },
      postgres: { db: pg as Database, ...(await seed(pg)) },
    };
    const kinds = {
      list: (s: (typeof sides)['pglite']) => () =>
        q.findProjects(s.db, pick(s.userIds), {}, '-updatedAt', 20, { offset: 0 }),
      get: (s: (typeof sides)['pglite']) => () => {
        const user = pick(s.userIds);
        return q.findReadableProject(s.db, user, pick(s.projectIds.get(user)!));
      },
    };
    const results: Record<string, Partial<Record<'pglite' | 'postgres', number[]>>> = {};
    for (const [kind, make] of Object.entries(kinds)) {
      for (const side of Object.values(sides)) await timeCalls(make(side)); // warm-up
      for (let round = 0; round < 3; round++) {
        const order = round % 2 === 0 ? (['pglite', 'postgres'] as const) : (['postgres', 'pglite'] as const);
        for (const name of order) {
          const us = await timeCalls(make(sides[name]));
          ((results[kind] ??= {})[name] ??= []).push(Math.round(us));
        }
      }
    }
    return results as EmbeddedResults;
  } finally {
    await pg.close().catch(() => undefined);
    await pglite.close();
    await pgBench.drop();
  }
}

export function embeddedTable(results: EmbeddedResults): string {
  const lines = [
    `${users()} users × ${perUser()} projects; ${calls()} calls per round, one at a time; µs per call`,
    '',
    '| call | PGlite µs (rounds) | PostgreSQL µs (rounds) | PGlite / PostgreSQL |',
    '|---|---:|---:|---:|',
  ];
  const mean = (rounds: number[]) => Math.round(rounds.reduce((a, b) => a + b, 0) / rounds.length);
  for (const [kind, byDb] of Object.entries(results)) {
    lines.push(
      `| ${kind} | ${mean(byDb.pglite)} (${byDb.pglite.join(', ')}) | ${mean(byDb.postgres)} (${byDb.postgres.join(
        ', ',
      )}) | ${Math.round((mean(byDb.pglite) / mean(byDb.postgres)) * 100) / 100}× |`,
    );
  }
  return lines.join('\n');
}

if (require.main === module) {
  measureEmbedded()
    .then((results) => {
      console.log(embeddedTable(results));
      console.log(`LIST_EMBEDDED_REPORT ${JSON.stringify(results)}`);
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
