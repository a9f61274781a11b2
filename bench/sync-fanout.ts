/**
 * Fan-out of the live change stream: one server process (compiled, as operators run it) on PostgreSQL with
 * STREAMS open streams (5 per user, the limit), then WRITES writes committed straight to the database, one
 * every WRITE_GAP_MS, each to one user's project. For each write, the delay from its COMMIT returning to the
 * change event arriving on each of that user's 5 streams; the server's RSS before and with the streams open.
 * Every write wakes every stream of the process (one NOTIFY, one pull per stream), so this measures the
 * wake-up fan-out, not only the 5 streams that get the event.
 *
 *   npm run bench:sync-fanout                      1,000 streams, 100 writes
 *   STREAMS=2000 WRITES=200 npm run bench:sync-fanout
 *
 * Needs PostgreSQL at BENCH_POSTGRES_URL's server (default postgres://postgres@127.0.0.1:5432/postgres).
 */
import {
  buildForBench,
  cleanUpOnSignal,
  createDatabase,
  envNumber,
  seed,
  sessionTokens,
  sleep,
  startSyncServer,
  stopAll,
} from './common';

const MB = 1024 * 1024;
const STREAMS = envNumber('STREAMS', 1000);
const WRITES = envNumber('WRITES', 100);
const WRITE_GAP_MS = envNumber('WRITE_GAP_MS', 100);
const PER_USER = 5;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const users = Math.ceil(STREAMS / PER_USER);
  const build = buildForBench();
  const db = await createDatabase('colorbook_bench_sync_');
  cleanUpOnSignal(async () => {
    await stopAll();
    await db.drop();
    build.remove();
  });
  try {
    const seeded = await seed(db, { users, projectsPerUser: 1, bcryptCost: 4 });
    // Real sessions: a stream checks that its session is live.
    const tokenOf = await sessionTokens(db);
    const server = await startSyncServer('sync-fanout', build, db);
    await sleep(2000);
    const rssBefore = server.rssBytes();

    // Open the streams: 5 per user, each read as it comes.
    const pending = new Map<string, number>(); // projectId → when its write committed
    const delays: number[] = [];
    const aborts: AbortController[] = [];
    const opened: Promise<void>[] = [];
    let open = 0;
    for (const user of seeded.users) {
      for (let k = 0; k < PER_USER && open + opened.length < STREAMS; k++) {
        const abort = new AbortController();
        aborts.push(abort);
        const projectId = user.projectIds[0];
        opened.push(
          (async () => {
            const res = await fetch(`${server.url}/api/sync/stream`, {
              headers: { Authorization: `Bearer ${tokenOf.get(user.id)}` },
              signal: abort.signal,
            });
            if (res.status !== 200) throw new Error(`stream answered ${res.status}: ${await res.text()}`);
            open++;
            const decoder = new TextDecoder();
            let seenReplay = false;
            void (async () => {
              try {
                for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
                  const text = decoder.decode(chunk, { stream: true });
                  if (!seenReplay) {
                    seenReplay = text.includes(projectId);
                    if (seenReplay) continue;
                  }
                  const committed = pending.get(projectId);
                  if (committed !== undefined && text.includes(projectId)) {
                    delays.push(performance.now() - committed);
                  }
                }
              } catch {
                // aborted at the end
              }
            })();
          })(),
        );
      }
    }
    await Promise.all(opened);
    await sleep(3000); // replays done, heartbeats only
    const rssOpen = server.rssBytes();

    // The writes: each to one user's project, committed straight to the database.
    for (let i = 0; i < WRITES; i++) {
      const user = seeded.users[i % seeded.users.length];
      const projectId = user.projectIds[0];
      await db.pool.query(`UPDATE projects SET title = $2, updated_at = now() WHERE id = $1`, [
        projectId,
        `Fan-out ${i}`,
      ]);
      pending.set(projectId, performance.now());
      await sleep(WRITE_GAP_MS);
    }
    await sleep(2000);
    const rssAfter = server.rssBytes();
    const sorted = [...delays].sort((a, b) => a - b);
    const expected = Math.min(WRITES, seeded.users.length) * PER_USER;
    console.log(
      JSON.stringify(
        {
          streams: open,
          writes: WRITES,
          deliveries: delays.length,
          expectedDeliveries: expected,
          delayMs: {
            p50: Math.round(percentile(sorted, 50) * 10) / 10,
            p99: Math.round(percentile(sorted, 99) * 10) / 10,
            max: Math.round((sorted.at(-1) ?? NaN) * 10) / 10,
          },
          rssMb: {
            before: Math.round(rssBefore / MB),
            withStreams: Math.round(rssOpen / MB),
            afterWrites: Math.round(rssAfter / MB),
          },
          perStreamKb: Math.round(((rssOpen - rssBefore) / Math.max(1, open) / 1024) * 10) / 10,
        },
        null,
        2,
      ),
    );
    for (const abort of aborts) abort.abort();
  } finally {
    await stopAll();
    await db.drop();
    build.remove();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
