import type { TestApp } from '../helpers/app';
import { createImage, createProject, createUser } from '../helpers/factories';
import { listen, openSse, type SseBlock } from './sse-client';

const exportOf = (id: string) => (block: SseBlock) =>
  block.event === 'export' && (JSON.parse(block.data ?? 'null') as { id?: string } | null)?.id === id;

/**
 * Export jobs on the change stream, run by stream-export-events.test.ts (NOTIFY colorbook_jobs from the job's
 * row, on PGlite and PostgreSQL alike) and stream-export-poll.test.ts (SYNC_NOTIFY=poll, for PostgreSQL behind
 * a pooler in transaction mode): every state a job goes through reaches its starter's open streams as
 * `event: export`, and nobody else's. With `poll`, a poll reads the job's latest state at each tick, so a short
 * job's intermediate states may coalesce into the final one (ADR 0016): only the end state and the order are
 * promised then; with notifications, `running` arrives too.
 */
export function streamExportSuite(t: TestApp, options: { title: string; poll: boolean }): void {
  let server: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    server = await listen(t.handler);
  });
  afterAll(async () => {
    await server.close();
  });

  test(options.title, async () => {
    const user = await createUser(t);
    const other = await createUser(t);
    const project = await createProject(t, user);
    await createImage(t, user, project.id);
    await createImage(t, user, project.id);
    const mine = await openSse(`${server.url}/api/sync/stream`, user.auth);
    const theirs = await openSse(`${server.url}/api/sync/stream`, other.auth);
    try {
      await mine.next((block) => block.comment === 'open');
      await theirs.next((block) => block.comment === 'open');
      const started = await t
        .http()
        .post(`/api/projects/${project.id}/exports`)
        .set(user.auth)
        .send({ format: 'pdf' });
      expect(started.status).toBe(202);
      const id = started.body.id as string;
      const finished = (block: SseBlock) =>
        exportOf(id)(block) && ['succeeded', 'failed'].includes(JSON.parse(block.data!).status);
      await mine.next(finished, 30_000);
      const events = mine.blocks.filter(exportOf(id));
      expect(events.every((block) => block.id === undefined)).toBe(true);
      const states = events.map(
        (block) => JSON.parse(block.data!) as { status: string; progress: number; url: string | null },
      );
      expect(states.at(-1)).toMatchObject({ status: 'succeeded', progress: 1, url: expect.any(String) });
      if (!options.poll) expect(states.some((s) => s.status === 'running')).toBe(true);
      // Progress never goes back.
      const progress = states.map((s) => s.progress);
      expect([...progress].sort((a, b) => a - b)).toEqual(progress);
      // The other user's stream saw nothing of it.
      expect(theirs.blocks.some((block) => block.event === 'export')).toBe(false);
    } finally {
      mine.close();
      theirs.close();
    }
  });
}
