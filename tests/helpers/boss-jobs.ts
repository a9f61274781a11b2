import type { TestApp } from './app';
import { waitFor } from './spawn-server';

/**
 * pg-boss's own record of a job (`pgboss.job`) once it has left `active`. A handler that ends our row (failed,
 * say) and then throws is recorded by pg-boss a moment later, through the settle statement (retried while
 * the database is busy, src/jobs/queue.ts): reading it right after our row could still find it active.
 */
export function bossJobSettled(t: TestApp, id: string): Promise<{ state: string; retry_count: number }> {
  return waitFor(
    `pg-boss to settle job ${id}`,
    async () => {
      const { rows } = await t.db.query<{ state: string; retry_count: number }>(
        'SELECT state, retry_count FROM pgboss.job WHERE id = $1',
        [id],
      );
      return rows[0] && rows[0].state !== 'active' ? rows[0] : null;
    },
    10_000,
    100,
  );
}
