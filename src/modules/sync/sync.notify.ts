import type pg from 'pg';
import type { AppContext } from '../../context';
import { errorCause } from '../../db/database';
import { PgDatabase } from '../../db/pg-database';
import { PgliteDatabase } from '../../db/pglite-database';

/** The channel the change-log triggers (migration 0013) NOTIFY on every write they log. */
export const SYNC_CHANNEL = 'colorbook_sync';
/** The channel export jobs NOTIFY on every change (migration 0015), with the job's user id as payload. */
export const JOBS_CHANNEL = 'colorbook_jobs';

/**
 * What woke the streams: undefined means "anything may have changed" (a commit to the change log, a
 * reconnect); `{ jobsOf }` means export jobs changed, of that user (or of anyone when `jobsOf` is undefined:
 * the poll carrier cannot tell whose).
 */
export type Wake = undefined | { jobsOf: string | undefined };

/** How often `SYNC_NOTIFY=poll` looks at the log, and how often a held-back horizon is re-checked. */
export const POLL_INTERVAL_MS = 500;
export const HELD_BACK_RECHECK_MS = 1000;
/** Wait before a lost LISTEN connection is opened again (doubling up to the maximum). */
const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 5000;

/**
 * Wake-ups: "the change log may have grown, pull again". One carrier per process, however many streams
 * are open (docs/sync.md, "The live stream"):
 *
 * - PostgreSQL, `SYNC_NOTIFY=listen` (default): `LISTEN colorbook_sync` on one dedicated connection (not
 *   from the pool). PostgreSQL delivers a NOTIFY at its transaction's commit to every listening process, so
 *   a write through any process wakes the streams of all. After the connection is lost and opened again,
 *   every stream is woken once (a NOTIFY sent meanwhile is lost).
 * - PostgreSQL, `SYNC_NOTIFY=poll`: where LISTEN does not work (a pooler in transaction mode, e.g.
 *   PgBouncer): every 500 ms one query reads the log's last `seq` and the snapshot horizon; a change of
 *   either wakes the streams.
 * - PGlite: its own `listen()` (one process, one connection: the NOTIFY of a commit arrives in-process).
 *
 * A commit whose rows are behind the horizon (an older transaction still open, docs/sync.md) is not visible
 * to the pull it wakes; with LISTEN a check every second wakes the streams again until no logged row is at or
 * above the horizon, so the change is delivered within about a second of the older transaction's end.
 *
 * Redis is not a carrier: only the database sees every commit (the triggers write the log in the writing
 * transaction); a Redis channel would need every write path to publish after its commit.
 */
export interface Wakeups {
  /**
   * Calls `listener` on every wake-up. Resolves once the carrier listens: a pull started after that misses
   * no commit. The returned function stops it; the carrier closes when its last listener stops.
   */
  subscribe(listener: (wake: Wake) => void): Promise<() => void>;
  /**
   * A pull just ran: rows it could not see yet (behind the horizon) must still come. With LISTEN, the next
   * move of the horizon wakes the streams (no NOTIFY marks the end of the transaction that held them back).
   */
  pulled(): void;
}

type Stop = () => Promise<void>;
interface Running {
  stop: Stop;
  pulled?: () => void;
}
type Carrier = (wake: (what?: Wake) => void) => Promise<Running>;

/** PGlite: its `listen()` API. */
function pgliteCarrier(db: PgliteDatabase): Carrier {
  return async (wake) => {
    const unlisten = await db.pglite.listen(SYNC_CHANNEL, () => wake());
    const unlistenJobs = await db.pglite.listen(JOBS_CHANNEL, (payload) => wake({ jobsOf: payload }));
    return {
      stop: async () => {
        await unlisten().catch(() => undefined);
        await unlistenJobs().catch(() => undefined);
      },
    };
  };
}

/** PostgreSQL LISTEN on a connection of its own, opened again when lost. */
function listenCarrier(ctx: AppContext, db: PgDatabase): Carrier {
  return async (wake) => {
    let client: pg.Client | undefined;
    let stopped = false;
    let retryMs = RECONNECT_MIN_MS;
    let retryTimer: NodeJS.Timeout | undefined;
    let heldBefore = false;
    let pulledSince = false;
    let lastHorizon = '';
    let checking = false;

    // Once a second: when logged rows were at or above the horizon and the horizon has moved since, they may
    // be visible now (the transaction that held them back ended without a NOTIFY of its own): wake.
    const checkHeldBack = async () => {
      if (checking || stopped) return;
      checking = true;
      try {
        const pulled = pulledSince;
        pulledSince = false;
        const { held, horizon } = await rowsHeldBack(ctx);
        if ((heldBefore || pulled) && horizon !== lastHorizon) wake();
        heldBefore = held;
        lastHorizon = horizon;
      } catch {
        // The database is away a moment; the listener's reconnect wakes everyone when it is back.
      } finally {
        checking = false;
      }
    };
    const heldBackTimer = setInterval(() => void checkHeldBack(), HELD_BACK_RECHECK_MS).unref();
    const onNotify = (message: pg.Notification) =>
      wake(message.channel === JOBS_CHANNEL ? { jobsOf: message.payload } : undefined);

    const connect = async (): Promise<void> => {
      const next = db.dedicatedClient('colorbook-sync-listen');
      next.on('notification', onNotify);
      next.on('error', (error) => {
        ctx.logger.warn('sync listener connection lost; reconnecting', { error: errorCause(error) });
        lost(next);
      });
      next.on('end', () => lost(next));
      await next.connect();
      await next.query(`LISTEN ${SYNC_CHANNEL}; LISTEN ${JOBS_CHANNEL}`);
      client = next;
      retryMs = RECONNECT_MIN_MS;
    };
    const lost = (which: pg.Client) => {
      if (client !== which) return;
      client = undefined;
      which.end().catch(() => undefined);
      if (!stopped) schedule();
    };
    const schedule = () => {
      retryTimer = setTimeout(() => {
        retryTimer = undefined;
        connect().then(
          () => wake(), // Whatever was sent while away is lost: every stream pulls once.
          (error: unknown) => {
            ctx.logger.warn('sync listener cannot connect; retrying', { error: errorCause(error) });
            retryMs = Math.min(retryMs * 2, RECONNECT_MAX_MS);
            if (!stopped) schedule();
          },
        );
      }, retryMs).unref();
    };

    try {
      await connect();
      // The horizon before any stream's first pull: when it moves, what that pull could not see may be visible.
      lastHorizon = (await rowsHeldBack(ctx)).horizon;
    } catch (error) {
      clearInterval(heldBackTimer);
      throw error;
    }
    return {
      stop: async () => {
        stopped = true;
        clearTimeout(retryTimer);
        clearInterval(heldBackTimer);
        const current = client;
        client = undefined;
        await current?.end().catch(() => undefined);
      },
      pulled: () => {
        pulledSince = true;
      },
    };
  };
}

/**
 * The horizon (the oldest transaction still running) and whether one of the latest logged rows is at or above
 * it (not yet visible to a pull). Reads the newest 1,000 rows by the primary key, backwards: rows held back
 * are recent ones.
 */
async function rowsHeldBack(ctx: AppContext): Promise<{ held: boolean; horizon: string }> {
  const { rows } = await ctx.db.query<{ held: boolean; horizon: string }>(
    `SELECT EXISTS (
       SELECT 1 FROM (SELECT txid FROM sync_changes ORDER BY seq DESC LIMIT 1000) latest
        WHERE latest.txid >= pg_snapshot_xmin(pg_current_snapshot())::text::bigint
     ) AS held, pg_snapshot_xmin(pg_current_snapshot())::text AS horizon`,
  );
  return rows[0] ?? { held: false, horizon: '' };
}

/** Polling: the log's last seq and the horizon, every 500 ms; a change of either wakes. */
function pollCarrier(ctx: AppContext): Carrier {
  return async (wake) => {
    let last = '';
    let lastJobs = '';
    let warned = false;
    let running = false;
    const look = async () => {
      if (running) return;
      running = true;
      try {
        const { rows } = await ctx.db.query<{ mark: string; jobs: string }>(
          `SELECT pg_snapshot_xmin(pg_current_snapshot())::text || '/' ||
                  coalesce((SELECT max(seq) FROM sync_changes), 0)::text AS mark,
                  coalesce((SELECT max(updated_at) FROM export_jobs), 'epoch')::text AS jobs`,
        );
        const mark = rows[0]?.mark ?? '';
        const jobs = rows[0]?.jobs ?? '';
        if (mark !== last) {
          last = mark;
          wake();
        }
        if (jobs !== lastJobs) {
          lastJobs = jobs;
          wake({ jobsOf: undefined });
        }
        warned = false;
      } catch (error) {
        if (!warned) ctx.logger.warn('sync poll failed', { error: errorCause(error) });
        warned = true;
      } finally {
        running = false;
      }
    };
    await look();
    const timer = setInterval(() => void look(), POLL_INTERVAL_MS).unref();
    return { stop: async () => clearInterval(timer) };
  };
}

function carrierFor(ctx: AppContext): Carrier {
  if (ctx.db instanceof PgliteDatabase) return pgliteCarrier(ctx.db);
  if (ctx.config.syncStream.notify === 'listen' && ctx.db instanceof PgDatabase)
    return listenCarrier(ctx, ctx.db);
  return pollCarrier(ctx);
}

/** The process's wake-ups: the carrier runs while at least one listener is subscribed. */
export function createWakeups(ctx: AppContext, carrier: Carrier = carrierFor(ctx)): Wakeups {
  const listeners = new Set<(what: Wake) => void>();
  let running: Promise<Running> | undefined;
  let current: Running | undefined;
  const wake = (what?: Wake) => {
    for (const listener of listeners) listener(what);
  };
  return {
    async subscribe(listener) {
      listeners.add(listener);
      running ??= carrier(wake);
      try {
        current = await running;
      } catch (error) {
        listeners.delete(listener);
        if (listeners.size === 0) running = undefined;
        throw error;
      }
      let done = false;
      return () => {
        if (done) return;
        done = true;
        listeners.delete(listener);
        if (listeners.size === 0 && running) {
          const stopping = running;
          running = undefined;
          current = undefined;
          void stopping.then((started) => started.stop()).catch(() => undefined);
        }
      };
    },
    pulled() {
      current?.pulled?.();
    },
  };
}
