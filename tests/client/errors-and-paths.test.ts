import crypto from 'node:crypto';
import { ApiError, memoryTokenStorage, type ApiPath, type QueueInput } from '../../client/src/index';
import { useTestApp } from '../helpers/app';
import { createProject, createUser } from '../helpers/factories';
import { clientOf, useLiveServer } from './live-server';

const t = useTestApp({ validateResponses: true });
const live = useLiveServer(t);

describe('the client: one error class for every helper', () => {
  test('when a queued write is refused on replay, then its outcome carries the ApiError with the problem and request id', async () => {
    const user = await createUser(t);
    const { client, network } = clientOf(live.baseUrl, memoryTokenStorage(user), {
      queue: { isOnline: () => true },
    });
    network.state.offline = true;
    await client.queue.send({ method: 'DELETE', path: `/api/projects/${crypto.randomUUID()}` });
    network.state.offline = false;

    const [outcome] = await client.queue.flush();

    expect(outcome.kind).toBe('rejected');
    if (outcome.kind !== 'rejected') return;
    expect(outcome.error).toBeInstanceOf(ApiError);
    expect(outcome.error).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(outcome.error.requestId).toMatch(/\S/);
    expect(outcome.error.problem).toBe(outcome.problem);
  });

  test('when a write sent online is refused, then queue.send answers the ApiError and does not queue it', async () => {
    const user = await createUser(t);
    const project = await createProject(t, user);
    const { client } = clientOf(live.baseUrl, memoryTokenStorage(user), { queue: { isOnline: () => true } });

    const result = await client.queue.send({
      method: 'PUT',
      path: `/api/projects/${project.id}`,
      body: { title: '' },
    });

    expect(result.queued).toBe(false);
    if (result.queued) return;
    expect(result.response.status).toBe(400);
    expect(result.error).toBeInstanceOf(ApiError);
    expect(result.error).toMatchObject({ status: 400, code: 'VALIDATION_ERROR' });
    expect(result.error!.errors.map((e) => e.path)).toContain('title');
    expect(result.error!.requestId).toBe(result.response.headers.get('x-request-id'));
    // The body is still there for whoever wants the raw answer.
    expect(((await result.response.json()) as { code: string }).code).toBe('VALIDATION_ERROR');
    expect(await client.queue.pending()).toEqual([]);
  });

  test('when a problem has no body, then the ApiError still has the status', () => {
    const error = new ApiError(502, undefined, new Headers({ 'X-Request-Id': 'abc' }));
    expect(error).toMatchObject({ status: 502, message: 'HTTP 502', problem: { status: 502 } });
    expect(error.code).toBeUndefined();
    expect(error.requestId).toBe('abc');
  });
});

describe('the client: typed paths (checked by `npm run typecheck`)', () => {
  test('queue writes and uploads take only paths of the API that accept their method', () => {
    const id = crypto.randomUUID();
    const writes: QueueInput[] = [
      { method: 'POST', path: '/api/projects', body: { title: 'A' } },
      { method: 'PUT', path: `/api/projects/${id}` },
      { method: 'DELETE', path: `/api/stories/${id}` },
      { method: 'POST', path: `/api/projects/${id}/versions/3/restore` },
      // @ts-expect-error no such path
      { method: 'PUT', path: `/api/project/${id}` },
      // @ts-expect-error the path exists, but PUT /api/projects does not
      { method: 'PUT', path: '/api/projects' },
      // @ts-expect-error GET is never queued
      { method: 'GET', path: '/api/projects' },
    ];
    const uploads: ApiPath<'post'>[] = ['/api/images', '/api/drawings', '/api/projects?x=1'];
    expect(writes).toHaveLength(7);
    expect(uploads).toHaveLength(3);
    const { client } = clientOf(live.baseUrl);
    const file = new Blob(['x']);
    // Only type-checked (half of them are compile errors), never run.
    const neverCalled = () => [
      // @ts-expect-error POST /api/projects takes JSON, not a file
      client.upload('/api/projects', { file }),
      // @ts-expect-error /api/images has no PUT upload
      client.upload(`/api/images/${id}`, { file }, { method: 'PUT' }),
      client.upload(`/api/drawings/${id}`, { file }, { method: 'PUT' }),
      client.upload('/api/images', { file }),
    ];
    expect(typeof neverCalled).toBe('function');
  });
});
