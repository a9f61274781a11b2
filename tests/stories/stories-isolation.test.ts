import { useTestApp } from '../helpers/app';
import {
  createProject,
  createStory,
  createUser,
  type Project,
  type Story,
  type TestUser,
} from '../helpers/factories';

const t = useTestApp({ validateResponses: true });

let alice: TestUser;
let mallory: TestUser;
let aliceProject: Project;
let aliceStory: Story;
let malloryProject: Project;
let malloryStory: Story;

const storyRow = async (id: string) =>
  (
    await t.db.query(
      'SELECT user_id AS "userId", project_id AS "projectId", title, version FROM stories WHERE id = $1',
      [id],
    )
  ).rows[0];

beforeAll(async () => {
  alice = await createUser(t);
  mallory = await createUser(t);
  aliceProject = await createProject(t, alice);
  aliceStory = await createStory(t, alice, aliceProject.id, { title: 'secret' });
  malloryProject = await createProject(t, mallory);
  malloryStory = await createStory(t, mallory, malloryProject.id, { title: 'mine' });
});

describe("another user's stories and projects", () => {
  test.each([
    ['GET', 'get', undefined],
    ['PUT', 'put', { title: 'taken' }],
    ['DELETE', 'delete', undefined],
  ])('when %s names their story, then it answers 404 and changes nothing', async (_n, method, body) => {
    const before = await storyRow(aliceStory.id);
    let req = (t.http() as any)[method](`/api/stories/${aliceStory.id}`).set(mallory.auth);
    if (body) req = req.send(body);
    const res = await req;
    expect(res.status).toBe(404);
    expect(await storyRow(aliceStory.id)).toEqual(before);
  });

  test('when the list names their projectId, then it answers 404', async () => {
    const res = await t.http().get('/api/stories').query({ projectId: aliceProject.id }).set(mallory.auth);
    expect(res.status).toBe(404);
  });

  test("when the list has no filter, then only the caller's stories come", async () => {
    const res = await t.http().get('/api/stories').set(mallory.auth);
    expect(res.body.data.map((s: { id: string }) => s.id)).toEqual([malloryStory.id]);
  });

  test('when a story is created in their project, then it answers 404 and creates nothing', async () => {
    const res = await t
      .http()
      .post('/api/stories')
      .set(mallory.auth)
      .send({ projectId: aliceProject.id, title: 'planted' });
    expect(res.status).toBe(404);
    const { rows } = await t.db.query('SELECT id FROM stories WHERE project_id = $1', [aliceProject.id]);
    expect(rows).toEqual([{ id: aliceStory.id }]);
  });

  test('when the caller moves their own story into that project, then it answers 404 and the story stays', async () => {
    const before = await storyRow(malloryStory.id);
    const res = await t
      .http()
      .put(`/api/stories/${malloryStory.id}`)
      .set(mallory.auth)
      .send({ projectId: aliceProject.id });
    expect(res.status).toBe(404);
    expect(await storyRow(malloryStory.id)).toEqual(before);
  });

  test("when SQL bypasses the service, then the database still refuses a story in another user's project", async () => {
    await expect(
      t.db.query('INSERT INTO stories (user_id, project_id, title) VALUES ($1, $2, $3)', [
        mallory.id,
        aliceProject.id,
        'planted',
      ]),
    ).rejects.toMatchObject({ code: '23503' });
  });
});
