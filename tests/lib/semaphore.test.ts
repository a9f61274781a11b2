import { Semaphore, SlotUnavailableError } from '../../src/lib/semaphore';

describe('Semaphore: acquire, the bounded wait and its state', () => {
  test('when slots are taken and given back, then active, waiting and peakActive follow, first come first served', async () => {
    const gate = new Semaphore(1);
    const first = await gate.acquire();
    expect([gate.active, gate.waiting]).toEqual([1, 0]);
    const order: string[] = [];
    const second = gate.acquire().then((release) => (order.push('second'), release));
    const third = gate.acquire().then((release) => (order.push('third'), release));
    expect([gate.active, gate.waiting]).toEqual([1, 2]);
    first();
    first(); // a second call gives back nothing more
    (await second)();
    (await third)();
    expect(order).toEqual(['second', 'third']);
    expect([gate.active, gate.waiting, gate.peakActive]).toEqual([0, 0, 1]);
  });

  test('when the wait passes its timeout, then it is refused and leaves the queue holding nothing', async () => {
    const gate = new Semaphore(1);
    const held = await gate.acquire();
    const error = await gate.acquire({ timeoutMs: 20 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlotUnavailableError);
    expect((error as SlotUnavailableError).reason).toBe('timeout');
    expect([gate.active, gate.waiting]).toEqual([1, 0]);
    held();
    expect(gate.active).toBe(0);
  });

  test('when the signal aborts, then the waiter leaves the queue and the next one gets the slot', async () => {
    const gate = new Semaphore(1);
    const held = await gate.acquire();
    const controller = new AbortController();
    const gaveUp = gate.acquire({ signal: controller.signal });
    const next = gate.acquire();
    controller.abort();
    await expect(gaveUp).rejects.toMatchObject({ reason: 'aborted' });
    expect(gate.waiting).toBe(1);
    held();
    (await next)();
    expect([gate.active, gate.waiting]).toEqual([0, 0]);
  });

  test('when maxWaiting are already queued, then the next is refused at once', async () => {
    const gate = new Semaphore(1, { maxWaiting: 1 });
    const held = await gate.acquire();
    const queued = gate.acquire();
    await expect(gate.acquire()).rejects.toMatchObject({ reason: 'queue-full' });
    held();
    (await queued)();
    expect([gate.active, gate.waiting]).toEqual([0, 0]);
  });

  it('when a job waits with ignoreMaxWaiting, then it queues behind a full line and gets its slot in turn', async () => {
    const gate = new Semaphore(1, { maxWaiting: 1 });
    const held = await gate.acquire();
    const request = gate.acquire();
    const job = gate.acquire({ ignoreMaxWaiting: true });
    expect(gate.waiting).toBe(2);
    // The line is still full for requests.
    await expect(gate.acquire()).rejects.toMatchObject({ reason: 'queue-full' });
    const order: string[] = [];
    void request.then((release) => {
      order.push('request');
      release();
    });
    void job.then((release) => {
      order.push('job');
      release();
    });
    held();
    await job;
    expect(order).toEqual(['request', 'job']);
    expect([gate.active, gate.waiting]).toEqual([0, 0]);
  });
});
