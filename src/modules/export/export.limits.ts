import type { Response } from 'express';
import { Gauge } from 'prom-client';
import type { AppContext } from '../../context';
import { appError } from '../../http/errors';
import { SlotUnavailableError } from '../../lib/semaphore';
import { ClientGoneError } from './export.render';

/** Synchronous exports one user may have in progress (waiting for a slot or rendering) in one process. */
export const EXPORTS_PER_USER = 2;
/** What a refused export is told to wait, in seconds: a render of a large book takes a few seconds. */
const RETRY_AFTER_S = 5;

export interface ExportLimits {
  /** Claims one of the user's export places, or throws 429 RATE_LIMITED. Answers the function that frees it. */
  claimUserPlace(userId: string): () => void;
  /**
   * Waits for one of the process's render slots (ctx.renderSlots). Throws 503 when the queue is full or
   * the wait passes EXPORT_QUEUE_TIMEOUT_MS, ClientGoneError when the client leaves while waiting.
   */
  renderSlot(res: Response): Promise<() => void>;
}

/**
 * The bounds around export renders. Renders run sharp and zlib on libuv's thread pool, which bcrypt and the
 * file system share: unbounded parallel exports stretched a login from 0.65 s to 4.6 s. So every render
 * holds one of EXPORT_CONCURRENCY slots (the rest queue, for at most EXPORT_QUEUE_TIMEOUT_MS), and one
 * user may not hold more than EXPORTS_PER_USER places, waiting or rendering, so one user cannot fill the
 * queue. The per-user count is per process, like the slots.
 */
export function createExportLimits(ctx: AppContext): ExportLimits {
  const inProgress = new Map<string, number>();
  const slots = ctx.renderSlots;

  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [ctx.metrics.registry],
      collect() {
        this.set(read());
      },
    });
  gauge('export_render_slots', 'Export render slots of this process (EXPORT_CONCURRENCY)', () => slots.limit);
  gauge('export_renders_active', 'Export renders holding a slot', () => slots.active);
  gauge('export_renders_waiting', 'Exports waiting for a render slot', () => slots.waiting);

  return {
    claimUserPlace(userId) {
      const count = inProgress.get(userId) ?? 0;
      if (count >= EXPORTS_PER_USER) {
        throw appError(
          'RATE_LIMITED',
          `You already have ${EXPORTS_PER_USER} exports in progress; retry when one has finished ` +
            `(in about ${RETRY_AFTER_S} seconds)`,
          { headers: { 'Retry-After': String(RETRY_AFTER_S) } },
        );
      }
      inProgress.set(userId, count + 1);
      let freed = false;
      return () => {
        if (freed) return;
        freed = true;
        const left = (inProgress.get(userId) ?? 1) - 1;
        if (left > 0) inProgress.set(userId, left);
        else inProgress.delete(userId);
      };
    },

    async renderSlot(res) {
      const gone = new AbortController();
      const onClose = () => gone.abort();
      res.once('close', onClose);
      try {
        return await slots.acquire({ timeoutMs: ctx.config.export.queueTimeoutMs, signal: gone.signal });
      } catch (error) {
        if (!(error instanceof SlotUnavailableError)) throw error;
        if (error.reason === 'aborted') throw new ClientGoneError();
        throw appError(
          'SERVICE_UNAVAILABLE',
          error.reason === 'timeout'
            ? `Every export slot stayed busy for ${Math.round(ctx.config.export.queueTimeoutMs / 1000)} ` +
                `seconds; try again in ${RETRY_AFTER_S} seconds`
            : `Too many exports are waiting; try again in ${RETRY_AFTER_S} seconds`,
          { headers: { 'Retry-After': String(RETRY_AFTER_S) } },
        );
      } finally {
        res.off('close', onClose);
      }
    },
  };
}
