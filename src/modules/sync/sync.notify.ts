import pg from 'pg';
import type { AppContext } from '../../context';
import { errorCause } from '../../db/database';
import { PgliteDatabase } from '../../db/pglite-database';

/** The channel the change-log triggers (migration 0013) NOTIFY on every write they log. */
export const SYNC_CHANNEL = 'colorbook_sync';

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
  subscribe(listener: () => void): Promise<() => void>;
}

type Stop = () => Promise<void>;
type Carrier = (wake: () => void) => Promise<Stop>;

/** PGlite: its `listen()` API. */
function pgliteCarrier(db: PgliteDatabase): Carrier {
  return async (wake) => {
    const unlisten = await db.pglite.listen(SYNC_CHANNEL, () => wake());
    return () => unlisten().catch(() => undefined);
  };
}

/** PostgreSQL LISTEN on a connection of its own, opened again when lost. */
function listenCarrier(ctx: AppContext): Carrier {
  return async (wake) => {
    let client: pg.Client | undefined;
    let stopped = false;
    let retryMs = RECONNECT_MIN_MS;
    let retryTimer: NodeJS.Timeout | undefined;
    let heldBackTimer: NodeJS.Timeout | undefined;
    let heldBefore = false;

    // While logged rows are at or above the horizon, wake every second (and once more when it passes them).
    const checkHeldBack = async () => {
      heldBackTimer = undefined;
      if (stopped) return;
      let held: boolean;
      try {
        held = await rowsHeldBack(ctx);
      } catch {
        held = true; // Unknown: keep checking.
      }
      if (held || heldBefore) wake();
      heldBefore = held;
      if (held && !stopped) heldBackTimer = setTimeout(checkHeldBack, HELD_BACK_RECHECK_MS).unref();
    };
    const onNotify = () => {
      wake();
      heldBackTimer ??= setTimeout(checkHeldBack, HELD_BACK_RECHECK_MS).unref();
    };

    const connect = async (): Promise<void> => {
      const next = new pg.Client({
        connectionString: ctx.config.database.url,
        connectionTimeoutMillis: ctx.config.database.connectionTimeoutMs,
        application_name: 'colorbook-sync-listen',
      });
      next.on('notification', onNotify);
      next.on('error', (error) => {
        ctx.logger.warn('sync listener connection lost; reconnecting', { error: errorCause(error) });
        lost(next);
      });
      next.on('end', () => lost(next));
      await next.connect();
      await next.query(`LISTEN ${SYNC_CHANNEL}`);
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

    await connect();
    return async () => {
      stopped = true;
      clearTimeout(retryTimer);
      clearTimeout(heldBackTimer);
      const current = client;
      client = undefined;
      await current?.end().catch(() => undefined);
    };
  };
}

/** Whether one of the latest logged rows is at or above the horizon (not yet visible to a pull). */
async function rowsHeldBack(ctx: AppContext): Promise<boolean> {
  const { rows } = await ctx.db.query<{ held: boolean }>(
    `SELECT EXISTS (
       SELECT 1 FROM (SELECT txid FROM sync_changes ORDER BY seq DESC LIMIT 1000) latest
        WHERE latest.txid >= pg_snapshot_xmin(pg_current_snapshot())
     ) AS held`,
  );
  return rows[0]?.held ?? false;
}

/** Polling: the log's last seq and the horizon, every 500 ms; a change of either wakes. */
function pollCarrier(ctx: AppContext): Carrier {
  return async (wake) => {
    let last = '';
    let warned = false;
    let running = false;
    const look = async () => {
      if (running) return;
      running = true;
      try {
        const { rows } = await ctx.db.query<{ mark: string }>(
          `SELECT pg_snapshot_xmin(pg_current_snapshot())::text || '/' ||
                  coalesce((SELECT max(seq) FROM sync_changes), 0)::text AS mark`,
        );
        const mark = rows[0]?.mark ?? '';
        if (mark !== last) {
          last = mark;
          wake();
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
    return async () => clearInterval(timer);
  };
}

function carrierFor(ctx: AppContext): Carrier {
  if (ctx.db instanceof PgliteDatabase) return pgliteCarrier(ctx.db);
  return ctx.config.syncStream.notify === 'poll' ? pollCarrier(ctx) : listenCarrier(ctx);
}

/** The process's wake-ups: the carrier runs while at least one listener is subscribed. */
export function createWakeups(ctx: AppContext, carrier: Carrier = carrierFor(ctx)): Wakeups {
  const listeners = new Set<() => void>();
  let running: Promise<Stop> | undefined;
  const wake = () => {
    for (const listener of listeners) listener();
  };
  return {
    async subscribe(listener) {
      listeners.add(listener);
      running ??= carrier(wake);
      try {
        await running;
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
          void stopping.then((stop) => stop()).catch(() => undefined);
        }
      };
    },
  };
}
