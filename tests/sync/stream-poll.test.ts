import { useTestApp } from '../helpers/app';
import { createProject, createStory, createUser } from '../helpers/factories';
import { listen, openSse } from './sse-client';

/**
 * SYNC_NOTIFY=poll (for a pooler where LISTEN does not work): on PostgreSQL the process looks at the log twice
 * a second instead of listening; a change still arrives within a second. (PGlite always uses its own listen.)
 */
const t = useTestApp({ env: { SYNC_NOTIFY: 'poll' } });
let server: { url: string; close(): Promise<void> };

beforeAll(async () => {
  server = await listen(t.handler);
});
afterAll(async () => {
  await server.close();
});

test('when the process polls instead of listening, then a write still reaches an open stream within 1 s', async () => {
  const user = await createUser(t);
  const project = await createProject(t, user);
  const s = await openSse(`${server.url}/api/sync/stream`, user.auth);
  try {
    expect(s.status).toBe(200);
    await s.next((block) => block.event === 'change' && block.data!.includes(project.id));
    for (let round = 0; round < 3; round++) {
      const story = await createStory(t, user, project.id);
      const committed = Date.now();
      await s.next((block) => block.event === 'change' && block.data!.includes(story.id), 3000);
      expect(Date.now() - committed).toBeLessThan(1000);
    }
  } finally {
    s.close();
  }
});
