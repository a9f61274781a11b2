import type { Change, SyncStore } from '../../client/src/index';

/**
 * What every SyncStore must do, as one function over a store that answers a snapshot of what it saw. It
 * imports nothing and closes over nothing, so the same code runs in Node (MemorySyncStore) and, as its
 * source text, in Chromium (IndexedDbSyncStore): both must answer EXPECTED_SNAPSHOT.
 */
export async function syncStoreScenario(store: SyncStore) {
  const at = '2026-12-07T04:00:00.000Z';
  const change = (
    kind: Change['kind'],
    id: string,
    projectId: string | null,
    op: 'upsert' | 'delete',
    data: Record<string, unknown> | null,
  ) => ({ kind, id, projectId, op, version: data ? 1 : null, data, changedAt: at }) as Change;
  const ids = async () => ({
    user: (await store.list('user')).map((r) => r.id),
    project: (await store.list('project')).map((r) => r.id),
    story: (await store.list('story')).map((r) => r.id),
    image: (await store.list('image')).map((r) => r.id),
    drawing: (await store.list('drawing')).map((r) => r.id),
  });
  const snapshot: Record<string, unknown> = {};

  snapshot.empty = { cursor: await store.getCursor(), ids: await ids() };

  await store.applyPage(
    [
      change('user', 'u1', null, 'upsert', { id: 'u1', displayName: 'Ann' }),
      change('project', 'p2', 'p2', 'upsert', { id: 'p2', title: 'Two' }),
      change('project', 'p1', 'p1', 'upsert', { id: 'p1', title: 'One' }),
      change('story', 's1', 'p1', 'upsert', { id: 's1', projectId: 'p1' }),
      change('story', 's2', 'p2', 'upsert', { id: 's2', projectId: 'p2' }),
      change('image', 'i1', 'p1', 'upsert', { id: 'i1', projectId: 'p1' }),
      change('drawing', 'd1', 'p1', 'upsert', { id: 'd1', projectId: 'p1' }),
      change('drawing', 'd2', 'p2', 'upsert', { id: 'd2', projectId: 'p2' }),
    ],
    'c1',
  );
  snapshot.firstPage = { cursor: await store.getCursor(), ids: await ids() };
  snapshot.record = await store.get('project', 'p1');
  snapshot.missing = (await store.get('story', 'nope')) ?? 'undefined';

  // A later page: an upsert replaces, a delete removes, a project's delete takes its children only.
  await store.applyPage(
    [
      change('project', 'p2', 'p2', 'upsert', { id: 'p2', title: 'Two, renamed' }),
      change('image', 'i1', 'p1', 'delete', null),
      change('project', 'p1', 'p1', 'delete', null),
      change('story', 's3', 'p2', 'upsert', { id: 's3', projectId: 'p2' }),
    ],
    'c2',
  );
  snapshot.secondPage = {
    cursor: await store.getCursor(),
    ids: await ids(),
    p2: (await store.get('project', 'p2'))?.data,
  };

  // In one page, a project deleted and then a child of it back (access regained): the child stays.
  await store.applyPage(
    [
      change('project', 'p2', 'p2', 'delete', null),
      change('project', 'p2', 'p2', 'upsert', { id: 'p2', title: 'Back' }),
      change('story', 's2', 'p2', 'upsert', { id: 's2', projectId: 'p2' }),
    ],
    'c3',
  );
  snapshot.regained = { cursor: await store.getCursor(), ids: await ids() };

  // The single-resource calls.
  await store.put({
    kind: 'image',
    id: 'i9',
    projectId: 'p2',
    version: null,
    data: { id: 'i9' } as never,
    changedAt: at,
  });
  await store.delete('story', 's2');
  snapshot.singles = { cursor: await store.getCursor(), ids: await ids() };

  // A page of changes only (cursor null): what pull stores when it starts over.
  await store.applyPage([], null);
  snapshot.nullCursor = await store.getCursor();
  await store.applyPage([], 'c4');

  await store.clear();
  snapshot.cleared = { cursor: await store.getCursor(), ids: await ids() };
  return snapshot;
}

const none = { user: [], project: [], story: [], image: [], drawing: [] };

export const EXPECTED_SNAPSHOT = {
  empty: { cursor: null, ids: none },
  firstPage: {
    cursor: 'c1',
    ids: { user: ['u1'], project: ['p1', 'p2'], story: ['s1', 's2'], image: ['i1'], drawing: ['d1', 'd2'] },
  },
  record: {
    kind: 'project',
    id: 'p1',
    projectId: 'p1',
    version: 1,
    data: { id: 'p1', title: 'One' },
    changedAt: '2026-12-07T04:00:00.000Z',
  },
  missing: 'undefined',
  secondPage: {
    cursor: 'c2',
    ids: { user: ['u1'], project: ['p2'], story: ['s2', 's3'], image: [], drawing: ['d2'] },
    p2: { id: 'p2', title: 'Two, renamed' },
  },
  regained: {
    cursor: 'c3',
    ids: { user: ['u1'], project: ['p2'], story: ['s2'], image: [], drawing: [] },
  },
  singles: {
    cursor: 'c3',
    ids: { user: ['u1'], project: ['p2'], story: [], image: ['i9'], drawing: [] },
  },
  nullCursor: null,
  cleared: { cursor: null, ids: none },
};
