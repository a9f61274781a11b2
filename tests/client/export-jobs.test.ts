import { ApiError, memoryTokenStorage, type ExportJob } from '../../client/src/index';
import { useTestApp } from '../helpers/app';
import { createImage, createProject, createUser } from '../helpers/factories';
import { clientOf, useLiveServer } from './live-server';

/** The typed client's export jobs against a live server with a worker: start, wait with progress, cancel. */
const t = useTestApp({ validateResponses: true, worker: true });
const live = useLiveServer(t);

describe('the client: export jobs', () => {
  test('when a job is started and waited for, then progress is reported and the job ends succeeded with a URL', async () => {
    const user = await createUser(t);
    const project = await createProject(t, user, { title: 'Job book' });
    await createImage(t, user, project.id);
    await createImage(t, user, project.id);
    const { client } = clientOf(live.baseUrl, memoryTokenStorage(user));

    const job = await client.exports.start(project.id, { trimSize: '6x9' });
    expect(job).toMatchObject({ status: 'queued', projectId: project.id, progress: 0 });
    const seen: ExportJob[] = [];
    const done = await client.exports.wait(job.id, { intervalMs: 100, onProgress: (j) => seen.push(j) });

    expect(done.status).toBe('succeeded');
    expect(done.progress).toBe(1);
    expect(seen[0].status).toMatch(/queued|running|succeeded/);
    expect(seen.at(-1)).toEqual(done);
    const pdf = await fetch(done.url!.replace(/^https?:\/\/[^/]+/, live.baseUrl));
    expect(pdf.status).toBe(200);
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString('latin1'),
    ).toBe('%PDF-');
  });

  test('when the project cannot be exported, then start throws the ApiError', async () => {
    const user = await createUser(t);
    const project = await createProject(t, user);
    const { client } = clientOf(live.baseUrl, memoryTokenStorage(user));
    const error = await client.exports.start(project.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('EMPTY_PROJECT');
  });

  test('when a finished job is canceled, then it is gone and get throws 404', async () => {
    const user = await createUser(t);
    const project = await createProject(t, user);
    await createImage(t, user, project.id);
    const { client } = clientOf(live.baseUrl, memoryTokenStorage(user));
    const job = await client.exports.start(project.id);
    await client.exports.wait(job.id, { intervalMs: 100 });
    await client.exports.cancel(job.id);
    const error = await client.exports.get(job.id).catch((e: unknown) => e);
    expect((error as ApiError).status).toBe(404);
  });

  test('when waiting is aborted, then wait rejects and the job goes on', async () => {
    const user = await createUser(t);
    const project = await createProject(t, user);
    await createImage(t, user, project.id);
    const { client } = clientOf(live.baseUrl, memoryTokenStorage(user));
    // The render slot is held: the job cannot finish while the client waits.
    const hold = await t.ctx.renderSlots.acquire();
    try {
      const job = await client.exports.start(project.id);
      const controller = new AbortController();
      const waiting = client.exports.wait(job.id, { intervalMs: 50, signal: controller.signal });
      setTimeout(() => controller.abort(new Error('user left the page')), 200);
      await expect(waiting).rejects.toThrow('user left the page');
      hold();
      expect((await client.exports.wait(job.id, { intervalMs: 100 })).status).toBe('succeeded');
    } finally {
      hold();
    }
  });
});
