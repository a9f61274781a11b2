import crypto from 'node:crypto';
import { ApiError, memoryTokenStorage } from '../../client/src/index';
import { useTestApp } from '../helpers/app';
import { createImage, createProject, createUser } from '../helpers/factories';
import { clientOf, expiredAccessToken, useLiveServer } from './live-server';

const t = useTestApp({ validateResponses: true });
const live = useLiveServer(t);

describe('the client: export downloads', () => {
  test('when a project with a page is exported, then download answers the PDF as a Blob', async () => {
    const user = await createUser(t);
    const project = await createProject(t, user, { title: 'Downloaded book' });
    await createImage(t, user, project.id, { title: 'Page 1' });
    const { client } = clientOf(live.baseUrl, memoryTokenStorage(user));

    const blob = await client.exports.download(project.id, { trimSize: 'a4' });

    expect(blob).toBeInstanceOf(Blob);
    expect(blob.type).toBe('application/pdf');
    const bytes = Buffer.from(await blob.arrayBuffer());
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(bytes.subarray(-1024).toString('latin1')).toContain('%%EOF');
  });

  test('when the access token has expired, then download refreshes once and still answers the PDF', async () => {
    const user = await createUser(t);
    const project = await createProject(t, user);
    await createImage(t, user, project.id);
    const storage = memoryTokenStorage({
      accessToken: expiredAccessToken(t, user.accessToken),
      refreshToken: user.refreshToken,
    });
    const { client, network } = clientOf(live.baseUrl, storage);

    const blob = await client.exports.download(project.id);

    expect(
      Buffer.from(await blob.arrayBuffer())
        .subarray(0, 5)
        .toString('latin1'),
    ).toBe('%PDF-');
    expect(network.count('POST', '/api/auth/refresh')).toBe(1);
  });

  test('when the project has no page, then download throws the ApiError of the 400 EMPTY_PROJECT', async () => {
    const user = await createUser(t);
    const project = await createProject(t, user);
    const { client } = clientOf(live.baseUrl, memoryTokenStorage(user));

    const error = await client.exports.download(project.id).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, code: 'EMPTY_PROJECT' });
    expect((error as ApiError).requestId).toMatch(/\S/);
  });

  test("when the project is not the caller's, then download throws the ApiError of the 404", async () => {
    const user = await createUser(t);
    const { client } = clientOf(live.baseUrl, memoryTokenStorage(user));

    const error = await client.exports.download(crypto.randomUUID()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });
});
