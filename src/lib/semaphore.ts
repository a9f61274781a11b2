/** Why a wait for a slot ended without one. */
export class SlotUnavailableError extends Error {
  constructor(
    readonly reason: 'timeout' | 'queue-full' | 'aborted',
    message: string,
  ) {
    super(message);
    this.name = 'SlotUnavailableError';
  }
}

export interface AcquireOptions {
  /** Give up after this long in the queue (SlotUnavailableError 'timeout'). */
  timeoutMs?: number;
  /** Give up when this aborts (SlotUnavailableError 'aborted'), e.g. the client went away. */
  signal?: AbortSignal;
  /**
   * Wait in line however long the line is (no 'queue-full'): for background jobs, which hold a lease and
   * have no client waiting. `maxWaiting` bounds what requests wait for; a job refused a place would only
   * be retried later, spending an attempt.
   */
  ignoreMaxWaiting?: boolean;
}

interface Waiter {
  grant: () => void;
}

/**
 * At most `limit` tasks at once; the rest wait in order. With `maxWaiting`, a caller who would be queued
 * behind that many others is refused at once (SlotUnavailableError 'queue-full') instead of waiting.
 * `active`, `waiting` and `peakActive` are there to be observed (metrics, tests).
 */
export class Semaphore {
  private activeCount = 0;
  private peak = 0;
  private readonly queue: Waiter[] = [];

  constructor(
    readonly limit: number,
    private readonly options: { maxWaiting?: number } = {},
  ) {}

  /** Slots in use. */
  get active(): number {
    return this.activeCount;
  }

  /** Callers queued for a slot. */
  get waiting(): number {
    return this.queue.length;
  }

  /** The most slots ever in use at once. */
  get peakActive(): number {
    return this.peak;
  }

  /**
   * Waits for a slot and answers the function that gives it back (calling it again does nothing). Rejects
   * with SlotUnavailableError when the queue is full, the wait times out or the signal aborts: the caller
   * then holds nothing.
   */
  acquire(options: AcquireOptions = {}): Promise<() => void> {
    if (this.activeCount < this.limit && this.queue.length === 0) return Promise.resolve(this.take());
    if (options.signal?.aborted) {
      return Promise.reject(new SlotUnavailableError('aborted', 'Gave up waiting for a slot'));
    }
    if (
      !options.ignoreMaxWaiting &&
      this.options.maxWaiting !== undefined &&
      this.queue.length >= this.options.maxWaiting
    ) {
      return Promise.reject(new SlotUnavailableError('queue-full', 'Too many are waiting for a slot'));
    }
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const leave = (error: SlotUnavailableError) => {
        const index = this.queue.indexOf(waiter);
        if (index !== -1) this.queue.splice(index, 1);
        cleanUp();
        reject(error);
      };
      const onAbort = () => leave(new SlotUnavailableError('aborted', 'Gave up waiting for a slot'));
      const cleanUp = () => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
      };
      const waiter: Waiter = {
        grant: () => {
          cleanUp();
          resolve(this.take());
        },
      };
      this.queue.push(waiter);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      if (options.timeoutMs !== undefined) {
        timer = setTimeout(
          () => leave(new SlotUnavailableError('timeout', `No slot within ${options.timeoutMs} ms`)),
          options.timeoutMs,
        );
      }
    });
  }

  async run<T>(task: () => Promise<T>, options?: AcquireOptions): Promise<T> {
    const release = await this.acquire(options);
    try {
      return await task();
    } finally {
      release();
    }
  }

  private take(): () => void {
    this.activeCount++;
    this.peak = Math.max(this.peak, this.activeCount);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.activeCount--;
      // The slot goes straight to the next in line: a newcomer cannot overtake the queue.
      this.queue.shift()?.grant();
    };
  }
}
