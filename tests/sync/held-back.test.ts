/**
 * A change committed while an EARLIER transaction is still open sits above the feed's horizon (docs/sync.md,
 * "The horizon"). The feed must not then answer "nothing more" (`hasMore` false) without it: it waits for the
 * hold to end, or says `hasMore` true. Only PostgreSQL has concurrent transactions (PGlite runs them one at
 * a time); CI's PostgreSQL pass, with other test files writing in other databases of the same cluster,
 * is where this showed.
 */
import { usingPostgres } from '../helpers/db';
import { useTestApp } from '../helpers/app';
import { createProject, createUser, type TestUser } from '../helpers/factories';
import { holdOpen, type ChangesPage } from './helpers';

const t = useTestApp();

const pull = (user: TestUser, since: string) =>
  t.http().get('/api/sync/changes').query({ since, limit: 100 }).set(user.auth);

/** Everything the user has now, read to the end; answers the cursor. */
async function cursorNow(user: TestUser): Promise<string> {
  let since: string | undefined;
  for (;;) {
    const res = await t
      .http()
      .get('/api/sync/changes')
      .query(since === undefined ? { limit: 100 } : { since, limit: 100 })
      .set(user.auth);
    expect(res.status).toBe(200);
    const page = res.body as ChangesPage;
    since = page.cursor;
    if (!page.hasMore) return since;
  }
}

(usingPostgres() ? describe : describe.skip)('a change held back by an earlier open transaction', () => {
  test('when the hold ends within the wait, then the pull waits and answers the change with hasMore false', async () => {
    const user = await createUser(t);
    await createProject(t, user);
    const since = await cursorNow(user);
    const hold = holdOpen(t.db, 400);
    await hold.started;
    const project = await createProject(t, user, { title: 'Written while another transaction was open' });
    const res = await pull(user, since);
    await hold.ended;
    expect(res.status).toBe(200);
    expect(res.body.hasMore).toBe(false);
    expect(res.body.changes.map((c: { id: string }) => c.id)).toContain(project.id);
  });

  test('when the hold outlasts the wait, then the pull answers hasMore true, and reading on after it ends brings the change', async () => {
    const user = await createUser(t);
    const since = await cursorNow(user);
    const hold = holdOpen(t.db, 3500);
    await hold.started;
    const project = await createProject(t, user, { title: 'Held for long' });
    const first = await pull(user, since);
    expect(first.status).toBe(200);
    expect(first.body.hasMore).toBe(true);
    expect(first.body.changes.map((c: { id: string }) => c.id)).not.toContain(project.id);
    await hold.ended;
    const next = await pull(user, first.body.cursor);
    expect(next.body.changes.map((c: { id: string }) => c.id)).toContain(project.id);
    expect(next.body.hasMore).toBe(false);
  }, 15_000);
});
