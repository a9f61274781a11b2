import { ApiError, memoryTokenStorage, type ImportJob } from '../../client/src/index';
import { useTestApp } from '../helpers/app';
import { createImage, createProject, createUser } from '../helpers/factories';
import { clientOf, useLiveServer } from './live-server';

/** The typed client's archives and imports against a live server with a worker. */
const t = useTestApp({
  validateResponses: true,
  worker: true,
  env: { IMPORT_MAX_BYTES: String(1024 * 1024) },
});
const live = useLiveServer(t);

describe('the client: archives and imports', () => {
  test('when an archive is made, downloaded and imported again through the client, then the projects come back', async () => {
    const user = await createUser(t);
    const project = await createProject(t, user, { title: 'Round trip' });
    await createImage(t, user, project.id);
    const { client } = clientOf(live.baseUrl, memoryTokenStorage(user));

    const started = await client.archives.start();
    expect(started).toMatchObject({ status: 'queued', url: null });
    const archive = await client.archives.wait(started.id, { intervalMs: 100 });
    expect(archive).toMatchObject({ status: 'succeeded', counts: { projects: 1, images: 1 } });
    const zip = await fetch(archive.url!.replace(/^https?:\/\/[^/]+/, live.baseUrl));
    expect(zip.status).toBe(200);
    const bytes = await zip.blob();
    expect(bytes.size).toBe(archive.sizeBytes);

    const seen: ImportJob[] = [];
    const job = await client.imports.start(bytes);
    expect(job.status).toBe('queued');
    const done = await client.imports.wait(job.id, { intervalMs: 100, onProgress: (j) => seen.push(j) });
    expect(done).toMatchObject({ status: 'succeeded', projectsImported: 1, progress: 1 });
    expect(seen.at(-1)).toEqual(done);
    const { data } = await client.api.GET('/api/projects', { params: { query: { role: 'owner' } } });
    expect(data!.data.map((p) => p.title)).toEqual(['Round trip', 'Round trip']);

    await client.archives.cancel(archive.id);
    expect(((await client.archives.get(archive.id).catch((e: unknown) => e)) as ApiError).status).toBe(404);
  });

  test('when the archive to import is too large, then start throws the ApiError and nothing is queued', async () => {
    const user = await createUser(t);
    const { client } = clientOf(live.baseUrl, memoryTokenStorage(user));
    const huge = new Blob([new Uint8Array(t.config.storage.importMaxBytes + 1)]);
    const refused = await client.imports.start(huge).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).status).toBe(413);
    const { data } = await client.api.GET('/api/users/me/imports', {});
    expect(data!.data).toEqual([]);
  });
});
