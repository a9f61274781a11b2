/**
 * A project's children as src/modules/index.ts registers them (stories, images, drawings) and the images
 * module's cover check, where the project routes meet them and no child module's own tests look: a restored
 * cover that is no longer one of the project's images, and a refused delete that must keep the children's
 * files. Embedding, duplicating and deleting with files are in tests/images/ (images-api, store-suite).
 */
import { useTestApp } from '../helpers/app';
import {
  createDrawing,
  createImage,
  createProject,
  createStory,
  createUser,
  type TestUser,
} from '../helpers/factories';
import { makePng } from '../helpers/images';
import { storedKeys } from '../images/helpers';

const t = useTestApp({ validateResponses: true });

let user: TestUser;

beforeAll(async () => {
  user = await createUser(t);
});

describe('project children registered in modules/index.ts', () => {
  test.each([
    ['deleted', (imageId: string) => t.http().delete(`/api/images/${imageId}`).set(user.auth).expect(204)],
    [
      'moved to another project',
      async (imageId: string) => {
        const other = await createProject(t, user);
        await t.http().put(`/api/images/${imageId}`).set(user.auth).send({ projectId: other.id }).expect(200);
      },
    ],
  ])(
    'when restoring a version whose cover image was %s since, then the cover becomes null',
    async (_how, takeAway) => {
      const project = await createProject(t, user);
      const image = await createImage(t, user, project.id);
      await t
        .http()
        .put(`/api/projects/${project.id}`)
        .set(user.auth)
        .send({ coverImageId: image.id })
        .expect(200);
      await t.http().put(`/api/projects/${project.id}`).set(user.auth).send({ title: 'later' }).expect(200);
      await takeAway(image.id);
      const before = await t.http().get(`/api/projects/${project.id}`).set(user.auth);

      const res = await t.http().post(`/api/projects/${project.id}/versions/2/restore`).set(user.auth);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        title: project.title,
        coverImageId: null,
        version: before.body.version + 1,
      });
    },
  );

  test('when the delete is refused (stale If-Match), then the children and their files stay', async () => {
    const project = await createProject(t, user);
    await createStory(t, user, project.id);
    const image = await createImage(t, user, project.id);
    await createDrawing(t, user, project.id, { imageId: image.id }, await makePng(10, 10));
    const files = await storedKeys(t);

    const res = await t.http().delete(`/api/projects/${project.id}`).set(user.auth).set('If-Match', '"5"');
    expect(res.status).toBe(412);
    const kept = await t.http().get(`/api/projects/${project.id}`).set(user.auth);
    expect(kept.body.counts).toEqual({ stories: 1, images: 1, drawings: 1 });
    expect(await storedKeys(t)).toEqual(files);
  });
});
