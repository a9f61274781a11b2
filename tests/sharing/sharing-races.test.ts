/**
 * Sharing writes of one project racing one another: accepts, revokes, removals, leaving, role changes,
 * invitations and transfers at once. Every sharing write locks the project row first, and a transfer locks
 * both users' rows (by id) before it, the storage lock order, so they run one after another and never
 * deadlock. PGlite runs one statement at a time, so only the PostgreSQL run can show a deadlock or a lost
 * update; both check the answers and, after every round, the invariants in SQL.
 */
import { consistencyProblems } from '../../src/db/consistency';
import { useTestApp } from '../helpers/app';
import {
  createImage,
  createProject,
  createStory,
  createUser,
  uniqueEmail,
  type TestUser,
} from '../helpers/factories';
import { createMember, invite, sharingInvariantViolations } from '../helpers/sharing';
import { storageUsed, storedBytesOfRows } from '../images/helpers';

const t = useTestApp();

const makePro = (user: TestUser) => t.db.query(`UPDATE users SET plan = 'pro' WHERE id = $1`, [user.id]);

describe('sharing writes of one project at once', () => {
  test('when accept, revoke, remove, leave, role changes, invitations and transfers race, then no 5xx, one owner, no one twice, and exact storage use', async () => {
    const statuses: Record<string, Set<number>> = {};
    const seen = (what: string, status: number) => (statuses[what] ??= new Set()).add(status);
    for (let round = 0; round < 8; round++) {
      const owner = await createUser(t);
      await makePro(owner);
      const project = await createProject(t, owner, { settings: { round } });
      await createStory(t, owner, project.id, { content: `Round ${round} ✓` });
      await createImage(t, owner, project.id);
      const editor = await createMember(t, owner, project.id, 'editor');
      const viewer = await createMember(t, owner, project.id, 'viewer');
      await Promise.all([makePro(editor), makePro(viewer)]);
      const joiner = await createUser(t);
      const late = await createUser(t);
      const joining = await invite(t, owner, project.id, joiner.email, 'viewer');
      const lateInvite = await invite(t, owner, project.id, late.email, 'editor');
      // Alternate who the project goes to, and let the first new owner pass it on at once.
      const [heir, other] = round % 2 === 0 ? [viewer, editor] : [editor, viewer];
      const path = `/api/projects/${project.id}`;
      const http = () => t.http();

      const calls: Record<string, Promise<{ status: number; body: any }>> = {
        accept: http().post('/api/invitations/accept').set(joiner.auth).send({ token: joining.token }),
        revoke: http().delete(`${path}/invitations/${joining.invitation.id}`).set(owner.auth),
        acceptLate: http().post('/api/invitations/accept').set(late.auth).send({ token: lateInvite.token }),
        acceptLateTwice: http()
          .post('/api/invitations/accept')
          .set(late.auth)
          .send({ token: lateInvite.token }),
        transfer: http().post(`${path}/transfer`).set(owner.auth).send({ userId: heir.id }),
        passOn: http().post(`${path}/transfer`).set(heir.auth).send({ userId: other.id }),
        removeOther: http().delete(`${path}/members/${other.id}`).set(owner.auth),
        leave: http().delete(`${path}/members/${other.id}`).set(other.auth),
        roleOfHeir: http().patch(`${path}/members/${heir.id}`).set(owner.auth).send({ role: 'viewer' }),
        roleOfOther: http().patch(`${path}/members/${other.id}`).set(owner.auth).send({ role: 'editor' }),
        removeJoiner: http().delete(`${path}/members/${joiner.id}`).set(owner.auth),
        inviteMore: http()
          .post(`${path}/invitations`)
          .set(owner.auth)
          .send({ email: uniqueEmail('more'), role: 'viewer' }),
        reinvite: http()
          .post(`${path}/invitations`)
          .set(owner.auth)
          .send({ email: late.email, role: 'viewer' }),
        members: http().get(`${path}/members`).set(other.auth),
      };
      // Every other round the invitations' answers get a head start over their revoke and replacement, so
      // the rounds see both outcomes (a request starts when it is awaited).
      const later = new Set(round % 2 === 0 ? ['revoke', 'reinvite'] : ['accept', 'acceptLate']);
      const answers = Object.fromEntries(
        await Promise.all(
          Object.entries(calls).map(async ([name, call]) => {
            if (later.has(name)) await new Promise((resolve) => setTimeout(resolve, 40));
            return [name, await call] as const;
          }),
        ),
      );
      for (const [name, res] of Object.entries(answers)) {
        seen(name, res.status);
        expect({
          name,
          status: res.status < 500 ? 'ok' : res.status,
          body: res.status < 500 ? null : res.body,
        }).toEqual({ name, status: 'ok', body: null });
      }
      // Each answer is one a lone request could have given.
      expect([200, 400]).toContain(answers.accept.status);
      expect([204, 403, 404]).toContain(answers.revoke.status);
      expect(answers.accept.status === 200 && answers.revoke.status === 204).toBe(false);
      expect([200, 403]).toContain(answers.transfer.status);
      expect([200, 400, 403]).toContain(answers.passOn.status);
      expect([200, 400]).toContain(answers.acceptLate.status);
      expect([200, 400, 409]).toContain(answers.acceptLateTwice.status);
      expect(
        [answers.acceptLate.status, answers.acceptLateTwice.status].filter((s) => s === 200),
      ).toHaveLength(answers.acceptLate.status === 200 || answers.acceptLateTwice.status === 200 ? 1 : 0);

      expect(await sharingInvariantViolations(t, project.id)).toEqual([]);
      // And what `npm run db:check` checks, for every user and project of the database.
      expect(await consistencyProblems(t.db)).toEqual([]);
      for (const user of [owner, editor, viewer, joiner, late]) {
        expect({ user: user.id, used: await storageUsed(t, user.id) }).toEqual({
          user: user.id,
          used: await storedBytesOfRows(t, user.id),
        });
      }
      // The owner's bytes are where the project is.
      const { rows } = await t.db.query<{ ownerId: string }>(
        'SELECT user_id AS "ownerId" FROM projects WHERE id = $1',
        [project.id],
      );
      const holder = [owner, editor, viewer].find((u) => u.id === rows[0].ownerId)!;
      expect(await storageUsed(t, holder.id)).toBeGreaterThan(0);
    }
    // The rounds did real work, not a wall of refusals.
    expect(statuses.transfer.has(200)).toBe(true);
    expect(statuses.accept.has(200) && statuses.accept.has(400)).toBe(true);
    expect(statuses.revoke.has(204)).toBe(true);
  }, 120_000);
});
