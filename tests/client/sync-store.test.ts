import { IndexedDbSyncStore, MemorySyncStore, type Change } from '../../client/src/index';
import { describeWithChromium, useChromium, watchProblems } from '../docs/chromium';
import { clientModulesScript, useBlankPage } from './browser-modules';
import { EXPECTED_SNAPSHOT, syncStoreScenario } from './sync-store-scenario';

jest.setTimeout(90_000);

describe('MemorySyncStore', () => {
  test('when pages of changes are applied, then upserts replace, deletes remove, a project delete takes its children and the cursor follows', async () => {
    expect(await syncStoreScenario(new MemorySyncStore())).toEqual(EXPECTED_SNAPSHOT);
  });

  test('when a stored record is changed by the caller, then the store is not (it hands out copies)', async () => {
    const store = new MemorySyncStore();
    const change = {
      kind: 'project',
      id: 'p1',
      projectId: 'p1',
      op: 'upsert',
      version: 1,
      data: { id: 'p1', title: 'One' },
      changedAt: '2026-12-07T04:00:00.000Z',
    } as unknown as Change;
    await store.applyPage([change], 'c1');
    (change.data as { title: string }).title = 'changed by the caller';
    const record = await store.get('project', 'p1');
    (record!.data as { title: string }).title = 'changed again';
    expect((await store.get('project', 'p1'))!.data).toEqual({ id: 'p1', title: 'One' });
  });

  test('when IndexedDB is not there (Node), then IndexedDbSyncStore.open says so', async () => {
    await expect(IndexedDbSyncStore.open('x', undefined)).rejects.toThrow(/IndexedDB is not available/);
  });
});

const chromium = useChromium();
const blank = useBlankPage();

/** Runs `body` (a script's text, with `clientRequire` and `IndexedDbSyncStore` in scope) in a fresh page. */
async function inChromium<T>(body: string): Promise<T> {
  const page = await chromium.browser.newPage();
  const problems = watchProblems(page);
  try {
    await page.goto(blank.url);
    const result = (await page.evaluate(`(async () => {
      ${clientModulesScript(['sync-store'])}
      const { IndexedDbSyncStore } = clientRequire('./sync-store.js');
      ${body}
    })()`)) as T;
    expect(problems).toEqual([]);
    return result;
  } finally {
    await page.close();
  }
}

describeWithChromium('IndexedDbSyncStore in Chromium', () => {
  test('when pages of changes are applied, then it answers exactly what MemorySyncStore does', async () => {
    const snapshot = await inChromium(`
      const scenario = ${syncStoreScenario.toString()};
      const store = await IndexedDbSyncStore.open('scenario');
      return scenario(store);
    `);
    expect(snapshot).toEqual(EXPECTED_SNAPSHOT);
  });

  test('when the database is closed and opened again, then the records and the cursor are still there, in one object store per kind', async () => {
    const result = await inChromium<{ stores: string[]; cursor: string; title: string; children: string[] }>(`
      const first = await IndexedDbSyncStore.open('reopen');
      await first.applyPage([
        { kind: 'project', id: 'p1', projectId: 'p1', op: 'upsert', version: 3, data: { id: 'p1', title: 'Kept' }, changedAt: 'x' },
        { kind: 'story', id: 's1', projectId: 'p1', op: 'upsert', version: 1, data: { id: 's1' }, changedAt: 'x' },
      ], 'cursor-1');
      first.close();
      const again = await IndexedDbSyncStore.open('reopen');
      return {
        stores: [...again.db.objectStoreNames].sort(),
        cursor: await again.getCursor(),
        title: (await again.get('project', 'p1')).data.title,
        children: (await again.list('story')).map((r) => r.id),
      };
    `);
    expect(result).toEqual({
      stores: ['drawing', 'image', 'meta', 'project', 'story', 'user'],
      cursor: 'cursor-1',
      title: 'Kept',
      children: ['s1'],
    });
  });

  test('when a page cannot be stored whole, then nothing of it is stored and the cursor stays where it was', async () => {
    const result = await inChromium<{ error: string; cursor: string; projects: string[] }>(`
      const store = await IndexedDbSyncStore.open('atomic');
      await store.applyPage([
        { kind: 'project', id: 'p1', projectId: 'p1', op: 'upsert', version: 1, data: { id: 'p1' }, changedAt: 'x' },
      ], 'before');
      // The second change's data cannot be cloned into IndexedDB: the page must not land half.
      const error = await store.applyPage([
        { kind: 'project', id: 'p2', projectId: 'p2', op: 'upsert', version: 1, data: { id: 'p2' }, changedAt: 'x' },
        { kind: 'project', id: 'p3', projectId: 'p3', op: 'upsert', version: 1, data: { id: 'p3', f: () => 1 }, changedAt: 'x' },
        { kind: 'project', id: 'p1', projectId: 'p1', op: 'delete', version: null, data: null, changedAt: 'x' },
      ], 'after').then(() => 'none', (e) => e.name);
      return {
        error,
        cursor: await store.getCursor(),
        projects: (await store.list('project')).map((r) => r.id),
      };
    `);
    expect(result).toEqual({ error: 'DataCloneError', cursor: 'before', projects: ['p1'] });
  });
});
