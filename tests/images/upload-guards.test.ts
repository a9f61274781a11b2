/**
 * The upload routes with the default MAX_UPLOAD_BYTES (10 MB) and REQUIRE_VERIFIED_EMAIL on: an
 * unverified caller is refused before the body is read, and a file one byte over 10 MB is a 413.
 */
import { useTestApp } from '../helpers/app';
import { createDrawing, createProject, createUser, type TestUser } from '../helpers/factories';
import { makePng } from '../helpers/images';
import { drawingForm, expectProblem, postImage, storageUsed, storedKeys, uploadTempFiles } from './helpers';

const MB = 1024 * 1024;
const t = useTestApp({ env: { REQUIRE_VERIFIED_EMAIL: 'true' }, validateResponses: true });

const setVerified = (user: TestUser, verified: boolean) =>
  t.db.query('UPDATE users SET email_verified = $2 WHERE id = $1', [user.id, verified]);

afterEach(() => {
  expect(uploadTempFiles(t)).toEqual([]);
});

test('when the limit is the default, then it is 10 MB', () => {
  expect(t.config.storage.maxUploadBytes).toBe(10 * MB);
});

test('when an unverified caller uploads an image or a drawing PNG, then 403 EMAIL_NOT_VERIFIED and nothing is stored', async () => {
  const user = await createUser(t);
  await setVerified(user, true);
  const project = await createProject(t, user);
  const drawing = await createDrawing(t, user, project.id);
  await setVerified(user, false);
  const png = await makePng(10, 10);
  const before = await storedKeys(t);
  // The drawing's stroke data counts (stored text); nothing refused below may add to it.
  const usedBefore = await storageUsed(t, user.id);

  const sent = [
    await postImage(t, user, { projectId: project.id }, { bytes: png }),
    await drawingForm(
      t.http().post('/api/drawings').set(user.auth),
      { projectId: project.id, data: {}, width: 1, height: 1 },
      { bytes: png },
    ),
    await drawingForm(t.http().put(`/api/drawings/${drawing.id}`).set(user.auth), {}, { bytes: png }),
  ];
  for (const res of sent) expectProblem(res, 403, 'EMAIL_NOT_VERIFIED');
  expect(await storedKeys(t)).toEqual(before);
  expect(await storageUsed(t, user.id)).toBe(usedBefore);
});

test('when a verified caller sends a file of 10 MB + 1 byte, then 413 and nothing is stored; a small one is accepted', async () => {
  const user = await createUser(t);
  await setVerified(user, true);
  const project = await createProject(t, user);
  const before = await storedKeys(t);
  const tooLarge = Buffer.concat([await makePng(10, 10), Buffer.alloc(10 * MB)]).subarray(0, 10 * MB + 1);
  expect(tooLarge.length).toBe(10 * MB + 1);

  const res = await postImage(t, user, { projectId: project.id }, { bytes: tooLarge });
  expectProblem(res, 413, 'PAYLOAD_TOO_LARGE');
  expect(await storedKeys(t)).toEqual(before);
  expect(await storageUsed(t, user.id)).toBe(0);

  const ok = await postImage(t, user, { projectId: project.id }, { bytes: await makePng(10, 10) });
  expect(ok.status).toBe(201);
});
