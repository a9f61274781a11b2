/** Each invitation mails a link: invitations count against MAIL_RATE_LIMIT per caller and minute. */
import { useTestApp } from '../helpers/app';
import { createProject, createUser, uniqueEmail } from '../helpers/factories';

const t = useTestApp({ env: { MAIL_RATE_LIMIT: '2' } });

test('when an owner sends more invitations in a minute than MAIL_RATE_LIMIT, then 429 RATE_LIMITED and nothing more is stored', async () => {
  const owner = await createUser(t);
  await t.db.query(`UPDATE users SET plan = 'enterprise' WHERE id = $1`, [owner.id]);
  const project = await createProject(t, owner);
  const send = () =>
    t
      .http()
      .post(`/api/projects/${project.id}/invitations`)
      .set(owner.auth)
      .send({ email: uniqueEmail(), role: 'viewer' });
  expect((await send()).status).toBe(201);
  expect((await send()).status).toBe(201);
  const refused = await send();
  expect(refused.status).toBe(429);
  expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(refused.body.code).toBe('RATE_LIMITED');
  const { rows } = await t.db.query('SELECT count(*) AS n FROM project_invitations WHERE project_id = $1', [
    project.id,
  ]);
  expect(Number(rows[0].n)).toBe(2);
  // Another caller has a count of their own.
  const other = await createUser(t);
  const theirs = await createProject(t, other);
  const res = await t
    .http()
    .post(`/api/projects/${theirs.id}/invitations`)
    .set(other.auth)
    .send({ email: uniqueEmail(), role: 'editor' });
  expect(res.status).toBe(201);
});
