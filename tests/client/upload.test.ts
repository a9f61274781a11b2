import crypto from 'node:crypto';
import {
  ApiError,
  fetchTransport,
  memoryTokenStorage,
  type components,
  type UploadProgress,
} from '../../client/src/index';
import { useTestApp } from '../helpers/app';
import { createProject, createUser } from '../helpers/factories';
import { makeImage } from '../helpers/images';
import { listKeys } from '../storage/stores';
import { clientOf, expiredAccessToken, pathOf, useLiveServer } from './live-server';

const t = useTestApp({ validateResponses: true });
const live = useLiveServer(t);

type Image = components['schemas']['Image'];

/** Progress reports go from 0 to the total without going back. */
function expectClimbsToTotal(events: UploadProgress[]): void {
  expect(events.length).toBeGreaterThan(2);
  const total = events[0].total;
  expect(events[0].loaded).toBe(0);
  expect(events.at(-1)).toEqual({ loaded: total, total });
  for (let i = 1; i < events.length; i++) {
    expect(events[i].loaded).toBeGreaterThanOrEqual(events[i - 1].loaded);
    expect(events[i].total).toBe(total);
  }
}

describe('the client: uploads with progress (streaming fetch transport, as in Node)', () => {
  test('when an image is uploaded to POST /api/images, then progress reaches the total and the image is stored', async () => {
    const user = await createUser(t);
    const project = await createProject(t, user);
    const { client } = clientOf(live.baseUrl, memoryTokenStorage(user), {
      uploadTransport: fetchTransport(undefined, 16 * 1024),
    });
    const png = await makeImage('png', 300, 200, { noise: true });
    const events: UploadProgress[] = [];
    const result = await client.upload<Image>(
      '/api/images',
      {
        file: new Blob([png], { type: 'image/png' }),
        filename: 'page-1.png',
        fields: { projectId: project.id, title: 'Page 1', metadata: { source: 'client test' } },
      },
      { onProgress: (p) => events.push(p) },
    );
    expect(result.status).toBe(201);
    expect(result.headers.get('location')).toBe(`/api/images/${result.data!.id}`);
    expect(result.data).toMatchObject({
      projectId: project.id,
      title: 'Page 1',
      originalFilename: 'page-1.png',
      mimeType: 'image/png',
      width: 300,
      height: 200,
      sizeBytes: png.length,
      sha256: crypto.createHash('sha256').update(png).digest('hex'),
      metadata: { source: 'client test' },
    });
    expectClimbsToTotal(events);
    expect(events.at(-1)!.total).toBeGreaterThan(png.length);

    // Stored as sent: the signed URL serves the same bytes, and the user's storage counts them.
    const file = await fetch(`${live.baseUrl}${pathOf(result.data!.url)}`);
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).equals(png)).toBe(true);
    const me = await client.api.GET('/api/auth/me');
    expect(me.data?.storageUsedBytes).toBe(png.length);
  });

  test('when the answer to an image upload is lost, then sending it again with its key returns the stored image and keeps one file', async () => {
    const user = await createUser(t);
    const project = await createProject(t, user);
    const { client, network } = clientOf(live.baseUrl, memoryTokenStorage(user), {
      uploadTransport: fetchTransport((request) => network.fetch(request), 16 * 1024),
    });
    const png = await makeImage('png', 120, 90, { noise: true });
    const input = {
      file: new Blob([png], { type: 'image/png' }),
      filename: 'lost.png',
      fields: { projectId: project.id, title: 'Lost answer' },
    };
    const idempotencyKey = crypto.randomUUID();

    // The server stores the image; its answer is lost on the way back.
    network.state.dropResponses = 1;
    await expect(client.upload<Image>('/api/images', input, { idempotencyKey })).rejects.toThrow(TypeError);

    const again = await client.upload<Image>('/api/images', input, { idempotencyKey });

    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.data).toMatchObject({ title: 'Lost answer', sizeBytes: png.length });
    const list = await client.api.GET('/api/images', { params: { query: { projectId: project.id } } });
    expect(list.data?.data.map((image) => image.id)).toEqual([again.data!.id]);
    const me = await client.api.GET('/api/auth/me');
    expect(me.data?.storageUsedBytes).toBe(png.length);
    // The original and its thumbnail, once.
    expect(await listKeys(t.ctx.store, `images/${user.id}/`)).toHaveLength(2);
  });

  test('when a multipart body goes to a route that takes JSON, then all of it is sent with progress and the 415 problem comes back', async () => {
    const user = await createUser(t);
    const { client, network } = clientOf(live.baseUrl, memoryTokenStorage(user), {
      uploadTransport: fetchTransport((request) => network.fetch(request), 16 * 1024),
    });
    const file = new Blob([crypto.randomBytes(100 * 1024)], { type: 'application/octet-stream' });
    const events: UploadProgress[] = [];

    const result = await client.upload(
      // @ts-expect-error POST /api/projects takes JSON: not an upload path (sent anyway, to see the 415).
      '/api/projects',
      { file, filename: 'x.bin', fields: { title: 'No' } },
      {
        onProgress: (p) => events.push(p),
      },
    );

    expect(result).toMatchObject({ status: 415, ok: false, error: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
    expect(result.error).toBeInstanceOf(ApiError);
    expect(result.error?.requestId).toBe(result.headers.get('x-request-id'));
    expectClimbsToTotal(events);
    const sent = network.seen.at(-1)!;
    expect(sent.headers.get('content-type')).toMatch(/^multipart\/form-data; boundary=/);
    expect(sent.headers.get('authorization')).toBe(`Bearer ${user.accessToken}`);
    expect(sent.headers.get('idempotency-key')).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('when the access token has expired, then the image upload refreshes once, sends the same bytes again and stores one image', async () => {
    const user = await createUser(t);
    const project = await createProject(t, user);
    const expired = expiredAccessToken(t, user.accessToken);
    const storage = memoryTokenStorage({ accessToken: expired, refreshToken: user.refreshToken });
    const { client, network } = clientOf(live.baseUrl, storage, {
      uploadTransport: fetchTransport((request) => network.fetch(request), 16 * 1024),
    });
    const png = await makeImage('png', 100, 80, { noise: true });
    const events: UploadProgress[] = [];

    const result = await client.upload<Image>(
      '/api/images',
      { file: new Blob([png]), filename: 'after-refresh.png', fields: { projectId: project.id } },
      { onProgress: (p) => events.push(p) },
    );

    expect(result.status).toBe(201);
    expect(result.data).toMatchObject({ projectId: project.id, sizeBytes: png.length });
    expect(network.count('POST', '/api/auth/refresh')).toBe(1);
    const attempts = network.seen.filter((r) => r.path === '/api/images');
    expect(attempts.map((r) => r.headers.get('authorization'))).toEqual([
      `Bearer ${expired}`,
      `Bearer ${(await storage.get())!.accessToken}`,
    ]);
    // The same key on both attempts: the retry is the same upload, not a second one.
    expect(new Set(attempts.map((r) => r.headers.get('idempotency-key'))).size).toBe(1);
    // Progress restarted from 0 for the second attempt and reached the total again.
    const restarts = events.filter((e) => e.loaded === 0).length;
    expect(restarts).toBe(2);
    expect(events.at(-1)).toEqual({ loaded: events[0].total, total: events[0].total });
    const list = await client.api.GET('/api/images', { params: { query: { projectId: project.id } } });
    expect(list.data?.pagination.total).toBe(1);
  });
});
