import crypto from 'node:crypto';
import type { Response } from 'express';
import { Gauge } from 'prom-client';
import type { AppContext } from '../../context';
import { AppError, appError } from '../../http/errors';
import type { ChangesPage } from './sync.service';
import type { Wakeups } from './sync.notify';
import { liveSessions } from './sync.tickets.queries';
import type { StreamCaller } from './sync.tickets';

/** Open streams one user may have at once (across processes when REDIS_URL is set). */
export const STREAMS_PER_USER = 5;
/** Changes per pull of a stream (the feed's default page). */
export const STREAM_PAGE = 500;
/** What a refused 6th stream is told to wait, in seconds. */
const RETRY_AFTER_S = 30;
/** A client that has not read this much of its stream is cut (it reconnects with its Last-Event-ID). */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** A stream's place in Redis lapses this long after the last renewal (its process died). */
const SLOT_LEASE_MS = 60_000;
const SLOT_RENEW_MS = 20_000;

/** `pullChanges`' signature: the stream pulls through it (sync.service.ts). */
export type Pull = (
  ctx: AppContext,
  userId: string,
  since: string | undefined,
  limit: number,
) => Promise<ChangesPage>;

/** Counts a user's open streams. */
export interface StreamSlots {
  /** Takes a place for the stream; false when the user has STREAMS_PER_USER open. */
  acquire(userId: string, streamId: string): Promise<boolean>;
  release(userId: string, streamId: string): Promise<void>;
  /** Keeps these streams' places (Redis leases). */
  renew(streams: Array<{ userId: string; streamId: string }>): Promise<void>;
}

/** Per process. */
export function localSlots(): StreamSlots {
  const open = new Map<string, Set<string>>();
  return {
    async acquire(userId, streamId) {
      const ids = open.get(userId) ?? new Set<string>();
      if (ids.size >= STREAMS_PER_USER) return false;
      ids.add(streamId);
      open.set(userId, ids);
      return true;
    },
    async release(userId, streamId) {
      const ids = open.get(userId);
      ids?.delete(streamId);
      if (ids?.size === 0) open.delete(userId);
    },
    async renew() {},
  };
}

/** Takes a place when fewer than `limit` unexpired ones are held: one atomic step. */
const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1`;

interface RedisLike {
  sendCommand(args: string[]): Promise<unknown>;
}

/**
 * Across processes: a sorted set per user in Redis (`<prefix>sync:streams:<userId>`), one member per open
 * stream scored by its lease's end, renewed every 20 s; a process that dies leaves places that lapse within
 * 60 s. When Redis fails, the count falls back to this process's own.
 */
export function redisSlots(ctx: AppContext, redis: RedisLike): StreamSlots {
  const fallback = localSlots();
  const key = (userId: string) => `${ctx.config.redisPrefix}sync:streams:${userId}`;
  const inRedis = new Set<string>();
  const warn = (error: unknown) =>
    ctx.logger.warn('sync stream count: Redis failed; counting per process', {
      error: (error as Error).message,
    });
  return {
    async acquire(userId, streamId) {
      const now = Date.now();
      try {
        const taken = await redis.sendCommand([
          'EVAL',
          ACQUIRE,
          '1',
          key(userId),
          String(now),
          String(STREAMS_PER_USER),
          String(now + SLOT_LEASE_MS),
          streamId,
          String(SLOT_LEASE_MS),
        ]);
        if (Number(taken) !== 1) return false;
        inRedis.add(streamId);
        return true;
      } catch (error) {
        warn(error);
        return fallback.acquire(userId, streamId);
      }
    },
    async release(userId, streamId) {
      if (!inRedis.delete(streamId)) return fallback.release(userId, streamId);
      await redis.sendCommand(['ZREM', key(userId), streamId]).catch(warn);
    },
    async renew(streams) {
      const until = String(Date.now() + SLOT_LEASE_MS);
      await Promise.all(
        streams
          .filter(({ streamId }) => inRedis.has(streamId))
          .map(({ userId, streamId }) =>
            redis.sendCommand(['ZADD', key(userId), 'XX', until, streamId]).catch(warn),
          ),
      );
    },
  };
}

/** Reads the recently changed export jobs of these users: id, revision and the `ExportJob` to send. */
export type JobEvents = (
  userIds: string[],
) => Promise<Array<{ id: string; userId: string; revision: number; body: unknown }>>;

interface OpenStream {
  id: string;
  caller: StreamCaller;
  res: Response;
  cursor: string | undefined;
  /** A pull is running. */
  pulling: boolean;
  /** A wake-up came during the pull (or before the first page was written): pull again. */
  dirty: boolean;
  live: boolean;
  closed: boolean;
  expiry?: NodeJS.Timeout;
}

/** One event of the stream, as it goes on the wire. */
export function formatEvent(event: string, id: string | undefined, data: unknown): string {
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * The process's open streams (GET /api/sync/stream): one wake-up subscription, one heartbeat timer, one
 * session check and one slot renewal for all of them. On a wake-up each stream pulls from its own cursor,
 * at most one pull at a time per stream (wake-ups during a pull coalesce into one more pull).
 */
export class StreamHub {
  private readonly streams = new Set<OpenStream>();
  private unsubscribe: Promise<() => void> | undefined;
  private timers: NodeJS.Timeout[] = [];

  /** The revision of each job last sent (`event: export`), so each state goes out once per process. */
  private readonly sentJobs = new Map<string, number>();
  /** Users whose jobs changed while a look at jobs was running ('all': the poll carrier cannot tell). */
  private jobsPending: Set<string> | 'all' | undefined;
  private lookingAtJobs = false;

  constructor(
    private readonly ctx: AppContext,
    private readonly options: {
      pull: Pull;
      wakeups: Wakeups;
      slots: StreamSlots;
      /** The current state of these users' recently changed jobs (absent: no `event: export`). */
      jobs?: JobEvents;
    },
  ) {
    const streams = this.streams;
    new Gauge({
      name: 'sync_streams_open',
      help: 'Open change streams (GET /api/sync/stream) of this process',
      registers: [ctx.metrics.registry],
      collect() {
        this.set(streams.size);
      },
    });
  }

  get size(): number {
    return this.streams.size;
  }

  /**
   * Opens a stream: takes the user's place (429 when 5 are open), listens, pulls the first page — so a
   * malformed or expired cursor is a problem+json answer, not a broken stream — then answers 200 and goes
   * on with the replay and the live changes.
   */
  async open(res: Response, caller: StreamCaller, since: string | undefined): Promise<void> {
    const { slots } = this.options;
    if (this.ctx.lifecycle.draining) {
      // closeAll has run: a stream opened now would hold the drain open. The client retries elsewhere.
      throw appError('SERVICE_UNAVAILABLE', 'This server is restarting; reconnect in a moment', {
        headers: { 'Retry-After': '1' },
      });
    }
    const stream: OpenStream = {
      id: crypto.randomUUID(),
      caller,
      res,
      cursor: since,
      pulling: true,
      dirty: false,
      live: false,
      closed: false,
    };
    if (!(await slots.acquire(caller.userId, stream.id))) {
      throw appError(
        'RATE_LIMITED',
        `You already have ${STREAMS_PER_USER} change streams open; close one first`,
        { headers: { 'Retry-After': String(RETRY_AFTER_S) } },
      );
    }
    let first: ChangesPage;
    try {
      this.streams.add(stream);
      await this.listen();
      first = await this.options.pull(this.ctx, caller.userId, since, STREAM_PAGE);
      this.options.wakeups.pulled();
    } catch (error) {
      this.forget(stream);
      throw error;
    }
    if (res.destroyed || res.writableEnded) {
      this.forget(stream);
      return;
    }
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-store, private');
    res.setHeader('X-Accel-Buffering', 'no');
    // Without it the drain waited for SHUTDOWN_TIMEOUT_MS on a connection whose stream had ended
    // (tests/sync/stream-processes.test.ts); streams are refused while draining, so it never overrides the
    // drain's `Connection: close`.
    res.setHeader('Connection', 'keep-alive');
    if (res.req.method === 'HEAD') {
      // The headers a GET would have, and nothing to hold open.
      this.forget(stream);
      res.end();
      return;
    }
    res.flushHeaders();
    res.socket?.setNoDelay(true);
    res.on('close', () => this.close(stream));
    stream.live = true;
    stream.expiry = setTimeout(() => this.close(stream), Math.max(0, caller.expiresAt - Date.now()));
    stream.expiry.unref();
    // A comment first: the client sees the stream open even when there is nothing to replay.
    res.write(': open\n\n');
    this.write(stream, first);
    stream.pulling = false;
    if (first.hasMore || stream.dirty) void this.drain(stream);
  }

  /** Wakes every open stream: each pulls from its cursor. */
  wakeAll(): void {
    for (const stream of this.streams) void this.drain(stream);
  }

  /**
   * Sends an event of another kind to every open stream of a user (the seam for `event: export`). Events
   * sent this way carry no id: they are not replayed on reconnect.
   */
  publish(userId: string, event: string, data: unknown): void {
    for (const stream of this.streams) {
      if (stream.live && !stream.closed && stream.caller.userId === userId) {
        this.send(stream, formatEvent(event, undefined, data));
      }
    }
  }

  /**
   * Export jobs of `userId` (of anyone when undefined) changed, in some process: each changed job whose user
   * has a stream open here goes out as `event: export` with its current state. Looks coalesce: changes that
   * come during a look are taken by one more look after it.
   */
  jobsChanged(userId: string | undefined): void {
    const jobs = this.options.jobs;
    if (!jobs) return;
    if (userId !== undefined && ![...this.streams].some((s) => s.caller.userId === userId)) return;
    if (userId === undefined || this.jobsPending === 'all') this.jobsPending = 'all';
    else {
      const pending: Set<string> = this.jobsPending ?? new Set();
      pending.add(userId);
      this.jobsPending = pending;
    }
    if (this.lookingAtJobs) return;
    this.lookingAtJobs = true;
    void (async () => {
      try {
        while (this.jobsPending) {
          const pending = this.jobsPending;
          this.jobsPending = undefined;
          const open = new Set([...this.streams].filter((s) => s.live).map((s) => s.caller.userId));
          const users = pending === 'all' ? [...open] : [...pending].filter((u) => open.has(u));
          if (users.length === 0) continue;
          for (const job of await jobs(users)) {
            if ((this.sentJobs.get(job.id) ?? 0) >= job.revision) continue;
            if (this.sentJobs.size > 10_000) this.sentJobs.clear();
            this.sentJobs.set(job.id, job.revision);
            this.publish(job.userId, 'export', job.body);
          }
        }
      } catch (error) {
        this.ctx.logger.warn('sync stream: reading export jobs failed', { error: (error as Error).message });
      } finally {
        this.lookingAtJobs = false;
      }
    })();
  }

  /** Ends every stream with a `retry:` hint (graceful shutdown): clients come back to another process. */
  closeAll(retryMs: number): void {
    for (const stream of [...this.streams]) this.close(stream, retryMs);
  }

  private async drain(stream: OpenStream): Promise<void> {
    if (stream.closed) return;
    if (stream.pulling) {
      stream.dirty = true;
      return;
    }
    stream.pulling = true;
    try {
      do {
        stream.dirty = false;
        let page: ChangesPage;
        do {
          page = await this.options.pull(this.ctx, stream.caller.userId, stream.cursor, STREAM_PAGE);
          this.options.wakeups.pulled();
          if (stream.closed) return;
          this.write(stream, page);
        } while (page.hasMore && !stream.closed);
      } while (stream.dirty && !stream.closed);
    } catch (error) {
      if (error instanceof AppError && error.status === 410) {
        // The cursor fell behind the retained log: the client reconnects and gets the 410 as an answer.
        this.close(stream);
        return;
      }
      // The database is away a moment: the next wake-up (or heartbeat) pulls again from the same cursor.
      stream.dirty = true;
      this.ctx.logger.warn('sync stream pull failed', { error: (error as Error).message });
    } finally {
      stream.pulling = false;
    }
  }

  /**
   * Writes a page: every change with an `id:`, the page's cursor on its last one and the cursor the page
   * started from on the others, so a client cut off mid-page resumes at the page's start (the repeated
   * changes are upserts of the latest state: applying one twice changes nothing).
   */
  private write(stream: OpenStream, page: ChangesPage): void {
    const start = stream.cursor;
    const last = page.changes.length - 1;
    let text = '';
    page.changes.forEach((change, index) => {
      text += formatEvent('change', index === last ? page.cursor : (start ?? ''), change);
    });
    stream.cursor = page.cursor;
    if (text) this.send(stream, text);
  }

  private send(stream: OpenStream, text: string): void {
    if (stream.closed) return;
    stream.res.write(text);
    if (stream.res.writableLength > MAX_BUFFERED_BYTES) {
      this.ctx.logger.warn('sync stream client does not read; closing it', { userId: stream.caller.userId });
      this.close(stream);
    }
  }

  private close(stream: OpenStream, retryMs?: number): void {
    if (stream.closed) return;
    stream.closed = true;
    if (stream.live && !stream.res.writableEnded && !stream.res.destroyed) {
      if (retryMs !== undefined) stream.res.write(`retry: ${retryMs}\n\n`);
      stream.res.end();
    }
    this.forget(stream);
  }

  private forget(stream: OpenStream): void {
    stream.closed = true;
    clearTimeout(stream.expiry);
    if (!this.streams.delete(stream)) return;
    void this.options.slots.release(stream.caller.userId, stream.id);
    if (this.streams.size === 0) this.stopListening();
  }

  /** Subscribes to the wake-ups and starts the shared timers when the first stream opens. */
  private async listen(): Promise<void> {
    if (!this.unsubscribe) {
      this.unsubscribe = this.options.wakeups.subscribe((what) => {
        if (what === undefined) this.wakeAll();
        else this.jobsChanged(what.jobsOf);
      });
      this.unsubscribe.catch(() => undefined);
      const { heartbeatS, sessionCheckS } = this.ctx.config.syncStream;
      this.timers = [
        setInterval(() => this.heartbeat(), heartbeatS * 1000),
        setInterval(() => void this.checkSessions(), sessionCheckS * 1000),
        setInterval(() => void this.renewSlots(), SLOT_RENEW_MS),
      ];
      for (const timer of this.timers) timer.unref();
    }
    try {
      await this.unsubscribe;
    } catch (error) {
      this.unsubscribe = undefined;
      this.clearTimers();
      throw error;
    }
  }

  private stopListening(): void {
    const unsubscribe = this.unsubscribe;
    this.unsubscribe = undefined;
    this.clearTimers();
    void unsubscribe?.then((stop) => stop()).catch(() => undefined);
  }

  private clearTimers(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
  }

  /** A comment line on every stream; a stream whose pull failed earlier pulls again. */
  private heartbeat(): void {
    for (const stream of this.streams) {
      if (!stream.live) continue;
      this.send(stream, ': heartbeat\n\n');
      if (stream.dirty) void this.drain(stream);
    }
  }

  /** Ends the streams whose session was revoked (logout, logout-all, password change). */
  private async checkSessions(): Promise<void> {
    const streams = [...this.streams].filter((stream) => stream.live);
    if (streams.length === 0) return;
    let live: Set<string>;
    try {
      live = await liveSessions(this.ctx.db, [...new Set(streams.map((s) => s.caller.sessionId))]);
    } catch (error) {
      this.ctx.logger.warn('sync stream session check failed', { error: (error as Error).message });
      return;
    }
    for (const stream of streams) if (!live.has(stream.caller.sessionId)) this.close(stream);
  }

  private async renewSlots(): Promise<void> {
    await this.options.slots.renew(
      [...this.streams].map((stream) => ({ userId: stream.caller.userId, streamId: stream.id })),
    );
  }
}
