import crypto from 'node:crypto';
import request from 'supertest';
import { createApp } from '../../src/app';
import { createLogger } from '../../src/lib/logger';
import { EXPORTS_PER_USER } from '../../src/modules/export/export.limits';
import { testConfig, useResponseChecks, useTestApp } from '../helpers/app';
import { createImage, createProject, createUser, type TestUser } from '../helpers/factories';
import { waitFor } from '../helpers/spawn-server';
import { exportPdf } from './pdf';

/**
 * Export renders are bounded: EXPORT_CONCURRENCY render slots per process (ctx.renderSlots), a bounded wait
 * for one, and EXPORTS_PER_USER exports in progress per user. Renders are held back deterministically: the
 * test takes the real slots through the app's context, so exports queue behind it until it lets go. What
 * is observed is the semaphore's own state, never timing.
 */
const t = useTestApp({ env: { EXPORT_CONCURRENCY: '1' } });
const logger = createLogger({ level: 'error', json: false, silent: true });
const checked = useResponseChecks();

async function userWithBook(): Promise<{ user: TestUser; projectId: string }> {
  const user = await createUser(t);
  const project = await createProject(t, user);
  await createImage(t, user, project.id);
  return { user, projectId: project.id };
}

/** Sends an export now (supertest sends on `then`) and answers its settled response. */
const started = (req: ReturnType<typeof exportPdf>) => Promise.resolve(req.then((res) => res));

describe('export render slots (EXPORT_CONCURRENCY=1)', () => {
  test(`when a user already has ${EXPORTS_PER_USER} exports in progress, then the next one is 429 RATE_LIMITED at once`, async () => {
    const { user, projectId } = await userWithBook();
    const slots = t.ctx.renderSlots;
    const hold = await slots.acquire();
    const running: Promise<{ status: number }>[] = [];
    try {
      running.push(...Array.from({ length: EXPORTS_PER_USER }, () => started(exportPdf(t, user, projectId))));
      await waitFor('both exports to queue', () => slots.waiting === EXPORTS_PER_USER);

      const third = await exportPdf(t, user, projectId);
      expect(third.status).toBe(429);
      expect(third.headers['content-type']).toMatch(/^application\/problem\+json/);
      const problem = JSON.parse(third.body.toString());
      expect(problem).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
      expect(problem.detail).toMatch(new RegExp(`${EXPORTS_PER_USER} exports in progress`));
      expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
      // Refused without queueing: still the same two waiting.
      expect(slots.waiting).toBe(EXPORTS_PER_USER);
    } finally {
      hold();
    }
    const answers = await Promise.all(running);
    expect(answers.map((res) => res.status)).toEqual(Array(EXPORTS_PER_USER).fill(200));
    // Their places are free again.
    expect((await exportPdf(t, user, projectId)).status).toBe(200);
  });

  test('when two users export at once, then their renders do not overlap: one waits while the other holds the slot', async () => {
    const a = await userWithBook();
    const b = await userWithBook();
    const slots = t.ctx.renderSlots;
    const hold = await slots.acquire();
    const peakBefore = slots.peakActive;
    const exports = [started(exportPdf(t, a.user, a.projectId)), started(exportPdf(t, b.user, b.projectId))];
    await waitFor('both exports to queue', () => slots.waiting === 2);
    const metrics = await t.http().get('/metrics');
    expect(metrics.text).toMatch(/^export_renders_waiting 2$/m);
    expect(metrics.text).toMatch(/^export_renders_active 1$/m);
    expect(metrics.text).toMatch(/^export_render_slots 1$/m);

    hold();
    // The slot went straight to the first in line; the other still waits for it.
    expect([slots.active, slots.waiting]).toEqual([1, 1]);
    const answers = await Promise.all(exports);
    expect(answers.map((res) => res.status)).toEqual([200, 200]);
    expect(peakBefore).toBe(1);
    expect(slots.peakActive).toBe(1);
    expect([slots.active, slots.waiting]).toEqual([0, 0]);
  });

  test('when the client leaves while its export waits, then it leaves the queue and frees its place', async () => {
    const { user, projectId } = await userWithBook();
    const slots = t.ctx.renderSlots;
    const hold = await slots.acquire();
    try {
      const gone = exportPdf(t, user, projectId).timeout(300);
      await expect(Promise.resolve(gone.then((res) => res))).rejects.toThrow(/timeout/i);
      await waitFor('the export to leave the queue', () => slots.waiting === 0);
    } finally {
      hold();
    }
    // Both places are free: two more exports run.
    const answers = await Promise.all([exportPdf(t, user, projectId), exportPdf(t, user, projectId)]);
    expect(answers.map((res) => res.status)).toEqual([200, 200]);
  });
});

describe('the bounded wait for a render slot', () => {
  test('when no slot frees within EXPORT_QUEUE_TIMEOUT_MS, then 503 SERVICE_UNAVAILABLE with Retry-After and no export recorded', async () => {
    const app = createApp({ config: testConfig({ EXPORT_QUEUE_TIMEOUT_MS: '200' }), db: t.db, logger });
    const slots = app.locals.context.renderSlots;
    const { user, projectId } = await userWithBook();
    const hold = await slots.acquire();
    try {
      const res = await request(checked(app))
        .post(`/api/projects/${projectId}/export`)
        .set(user.auth)
        .send({ format: 'pdf' });
      expect(res.status).toBe(503);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
      expect(res.body.detail).toMatch(/export slot/);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(slots.waiting).toBe(0);
    } finally {
      hold();
    }
    const { rows } = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM analytics_events WHERE project_id = $1 AND type = 'export.created'`,
      [projectId],
    );
    expect(rows[0].n).toBe(0);
  });

  test('when 10 exports per slot already wait, then the next is refused at once with 503', async () => {
    const app = createApp({ config: testConfig({ EXPORT_CONCURRENCY: '1' }), db: t.db, logger });
    const slots = app.locals.context.renderSlots;
    const users = await Promise.all(Array.from({ length: 6 }, () => createUser(t)));
    const hold = await slots.acquire();
    const exportAs = (user: TestUser) =>
      Promise.resolve(
        request(checked(app))
          .post(`/api/projects/${crypto.randomUUID()}/export`)
          .set(user.auth)
          .send({ format: 'pdf' })
          .then((res) => res),
      );
    try {
      // Two each from five users: ten waiting (the wait comes before the project is looked up).
      const waiting = users.slice(0, 5).flatMap((user) => [exportAs(user), exportAs(user)]);
      await waitFor('ten exports to queue', () => slots.waiting === 10);
      const refused = await exportAs(users[5]);
      expect(refused.status).toBe(503);
      expect(refused.body.detail).toMatch(/Too many exports are waiting/);
      hold();
      // The queued ones go on: unknown projects, so 404 once they had their turn.
      expect((await Promise.all(waiting)).map((res) => res.status)).toEqual(Array(10).fill(404));
    } finally {
      hold();
    }
  });
});
