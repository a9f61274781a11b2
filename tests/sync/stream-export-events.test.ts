import { useTestApp } from '../helpers/app';
import { createImage, createProject, createUser } from '../helpers/factories';
import { listen, openSse, type SseBlock } from './sse-client';

/**
 * Export jobs on the change stream: every state a job goes through reaches its starter's open streams as
 * `event: export` (NOTIFY colorbook_jobs from the job's row, on PGlite and PostgreSQL alike), and nobody
 * else's.
 */
const t = useTestApp({ worker: true });
let server: { url: string; close(): Promise<void> };

beforeAll(async () => {
  server = await listen(t.handler);
});
afterAll(async () => {
  await server.close();
});

const exportOf = (id: string) => (block: SseBlock) =>
  block.event === 'export' && (JSON.parse(block.data ?? 'null') as { id?: string } | null)?.id === id;

test('when a user has a stream open and starts an export job, then its states arrive as event: export up to succeeded', async () => {
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
    expect(states.some((s) => s.status === 'running')).toBe(true);
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
