import type { components } from './schema.js';

/** What the sync feed and stream carry, by kind: each resource exactly as its own GET answers it. */
export interface SyncResources {
  user: components['schemas']['User'];
  project: components['schemas']['Project'];
  story: components['schemas']['Story'];
  image: components['schemas']['Image'];
  drawing: components['schemas']['Drawing'];
}

export type SyncKind = keyof SyncResources;

export const SYNC_KINDS: readonly SyncKind[] = ['user', 'project', 'story', 'image', 'drawing'];

/** The kinds that live inside a project: a project's delete takes them with it. */
const CHILD_KINDS: readonly SyncKind[] = ['story', 'image', 'drawing'];

/** One entry of `GET /api/sync/changes` and of the stream's `change` events. */
export type Change = {
  [K in SyncKind]: {
    kind: K;
    id: string;
    /** The resource's project (a project's own id for a project); null for the user. */
    projectId: string | null;
    op: 'upsert' | 'delete';
    /** The resource's version where it has one (projects, stories, drawings), else null. */
    version: number | null;
    /** The resource as its GET answers it; null for a delete. */
    data: SyncResources[K] | null;
    changedAt: string;
  };
}[SyncKind];

/** A resource as the store keeps it: the server's state of it, as of the stored cursor. */
export type SyncRecord<K extends SyncKind = SyncKind> = {
  [P in K]: {
    kind: P;
    id: string;
    projectId: string | null;
    version: number | null;
    data: SyncResources[P];
    changedAt: string;
  };
}[K];

/**
 * Where the sync engine keeps the server's state on the device: one copy of each resource the user can see,
 * and the cursor it is current as of. `applyPage` stores a page and its cursor together (all or nothing),
 * so after a crash the store and its cursor still agree: the next pull resumes where the stored data ends.
 * One store per signed-in user (name the IndexedDB database after the user id).
 */
export interface SyncStore {
  get<K extends SyncKind>(kind: K, id: string): Promise<SyncRecord<K> | undefined>;
  put(record: SyncRecord): Promise<void>;
  delete(kind: SyncKind, id: string): Promise<void>;
  /** Every stored resource of a kind, in id order. */
  list<K extends SyncKind>(kind: K): Promise<SyncRecord<K>[]>;
  /** The cursor of the last page applied, or null when nothing was synced yet. */
  getCursor(): Promise<string | null>;
  /**
   * Applies changes in order, then saves `cursor`, in one transaction: an upsert puts `data`; a delete
   * removes the resource, and a project's delete also removes its stories, images and drawings.
   */
  applyPage(changes: readonly Change[], cursor: string | null): Promise<void>;
  /** Empties the store and forgets the cursor (a new full sync follows). */
  clear(): Promise<void>;
}

/** A change as the record the store keeps (undefined for a delete). */
export function recordOf(change: Change): SyncRecord | undefined {
  if (change.op === 'delete' || change.data === null) return undefined;
  const { kind, id, projectId, version, data, changedAt } = change;
  return { kind, id, projectId, version, data, changedAt } as SyncRecord;
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Keeps the synced state in memory: for tests, Node, or an app that syncs from scratch on each start. */
export class MemorySyncStore implements SyncStore {
  private readonly kinds = new Map<SyncKind, Map<string, SyncRecord>>(
    SYNC_KINDS.map((kind) => [kind, new Map()]),
  );
  private cursor: string | null = null;

  async get<K extends SyncKind>(kind: K, id: string): Promise<SyncRecord<K> | undefined> {
    const record = this.kinds.get(kind)!.get(id);
    return record ? (structuredClone(record) as SyncRecord<K>) : undefined;
  }

  async put(record: SyncRecord): Promise<void> {
    this.kinds.get(record.kind)!.set(record.id, structuredClone(record));
  }

  async delete(kind: SyncKind, id: string): Promise<void> {
    this.kinds.get(kind)!.delete(id);
  }

  async list<K extends SyncKind>(kind: K): Promise<SyncRecord<K>[]> {
    return [...this.kinds.get(kind)!.values()].sort(byId).map((r) => structuredClone(r) as SyncRecord<K>);
  }

  async getCursor(): Promise<string | null> {
    return this.cursor;
  }

  async applyPage(changes: readonly Change[], cursor: string | null): Promise<void> {
    // Nothing here can fail halfway: the page and its cursor land together.
    for (const change of changes) {
      const record = recordOf(change);
      if (record) {
        this.kinds.get(record.kind)!.set(record.id, structuredClone(record));
        continue;
      }
      this.kinds.get(change.kind)!.delete(change.id);
      if (change.kind === 'project') {
        for (const kind of CHILD_KINDS) {
          const records = this.kinds.get(kind)!;
          for (const [id, child] of records) if (child.projectId === change.id) records.delete(id);
        }
      }
    }
    this.cursor = cursor;
  }

  async clear(): Promise<void> {
    for (const records of this.kinds.values()) records.clear();
    this.cursor = null;
  }
}

/*
 * The parts of the IndexedDB API the store uses, typed here so the package compiles without the DOM library
 * (the server's tests compile it against Node's types). They match the browsers' `IDB*` interfaces.
 */
interface IdbRequest<T> {
  readonly result: T;
  readonly error: unknown;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
}
interface IdbObjectStore {
  get(key: string): IdbRequest<unknown>;
  getAll(): IdbRequest<unknown[]>;
  put(value: unknown, key?: string): IdbRequest<unknown>;
  delete(key: unknown): IdbRequest<unknown>;
  clear(): IdbRequest<unknown>;
  index(name: string): { getAllKeys(query: string): IdbRequest<unknown[]> };
  createIndex(name: string, keyPath: string, options: { unique: boolean }): unknown;
}
interface IdbTransaction {
  objectStore(name: string): IdbObjectStore;
  abort(): void;
  readonly error: unknown;
  oncomplete: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
}
/** An open IndexedDB database (the browser's `IDBDatabase`). */
export interface IdbDatabase {
  transaction(names: string | string[], mode?: 'readonly' | 'readwrite'): IdbTransaction;
  readonly objectStoreNames: { contains(name: string): boolean };
  createObjectStore(name: string, options?: { keyPath: string }): IdbObjectStore;
  close(): void;
  onversionchange: (() => void) | null;
}
/** `globalThis.indexedDB`, or another implementation of it (e.g. fake-indexeddb in Node). */
export interface IdbFactory {
  open(name: string, version: number): IdbRequest<IdbDatabase> & { onupgradeneeded: (() => void) | null };
}

const META = 'meta';
const CURSOR_KEY = 'cursor';
const BY_PROJECT = 'projectId';

const done = <T>(request: IdbRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });

const committed = (transaction: IdbTransaction): Promise<void> =>
  new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error ?? new Error('IndexedDB transaction aborted'));
  });

/**
 * Keeps the synced state in IndexedDB, so the app opens with its data offline: one object store per kind
 * (key: `id`; the child kinds indexed by `projectId`) and a `meta` store for the cursor. `applyPage` is one
 * readwrite transaction over all of them: a page and its cursor commit together or not at all.
 * `await IndexedDbSyncStore.open(\`colorbook-sync-${userId}\`)`.
 */
export class IndexedDbSyncStore implements SyncStore {
  static readonly VERSION = 1;

  private constructor(readonly db: IdbDatabase) {}

  /** Opens (creating or upgrading) the database `name`. */
  static async open(
    name = 'colorbook-sync',
    factory: IdbFactory = (globalThis as { indexedDB?: IdbFactory }).indexedDB!,
  ): Promise<IndexedDbSyncStore> {
    if (!factory) throw new Error('IndexedDB is not available here: use MemorySyncStore');
    const request = factory.open(name, IndexedDbSyncStore.VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      for (const kind of SYNC_KINDS) {
        if (db.objectStoreNames.contains(kind)) continue;
        const store = db.createObjectStore(kind, { keyPath: 'id' });
        if (CHILD_KINDS.includes(kind)) store.createIndex(BY_PROJECT, BY_PROJECT, { unique: false });
      }
      if (!db.objectStoreNames.contains(META)) db.createObjectStore(META);
    };
    const db = await done(request);
    // Another tab upgrading the schema: let it, this connection reopens on next use of the app.
    db.onversionchange = () => db.close();
    return new IndexedDbSyncStore(db);
  }

  close(): void {
    this.db.close();
  }

  async get<K extends SyncKind>(kind: K, id: string): Promise<SyncRecord<K> | undefined> {
    const result = await done(this.db.transaction(kind).objectStore(kind).get(id));
    return (result as SyncRecord<K> | undefined) ?? undefined;
  }

  async put(record: SyncRecord): Promise<void> {
    const transaction = this.db.transaction(record.kind, 'readwrite');
    transaction.objectStore(record.kind).put(record);
    await committed(transaction);
  }

  async delete(kind: SyncKind, id: string): Promise<void> {
    const transaction = this.db.transaction(kind, 'readwrite');
    transaction.objectStore(kind).delete(id);
    await committed(transaction);
  }

  async list<K extends SyncKind>(kind: K): Promise<SyncRecord<K>[]> {
    // getAll answers in key order, i.e. by id.
    return (await done(this.db.transaction(kind).objectStore(kind).getAll())) as SyncRecord<K>[];
  }

  async getCursor(): Promise<string | null> {
    const value = await done(this.db.transaction(META).objectStore(META).get(CURSOR_KEY));
    return typeof value === 'string' ? value : null;
  }

  async applyPage(changes: readonly Change[], cursor: string | null): Promise<void> {
    const transaction = this.db.transaction([...SYNC_KINDS, META], 'readwrite');
    const finished = committed(transaction);
    try {
      for (const change of changes) {
        const record = recordOf(change);
        const store = transaction.objectStore(change.kind);
        if (record) {
          store.put(record);
          continue;
        }
        store.delete(change.id);
        if (change.kind === 'project') {
          for (const kind of CHILD_KINDS) {
            // Awaited inside the transaction (it stays active through the request's callbacks), so the
            // changes after this one in the page land after these deletes.
            const children = transaction.objectStore(kind);
            const keys = await done(children.index(BY_PROJECT).getAllKeys(change.id));
            for (const key of keys) children.delete(key);
          }
        }
      }
      const meta = transaction.objectStore(META);
      if (cursor === null) meta.delete(CURSOR_KEY);
      else meta.put(cursor, CURSOR_KEY);
    } catch (error) {
      transaction.abort();
      await finished.catch(() => undefined);
      throw error;
    }
    await finished;
  }

  async clear(): Promise<void> {
    const transaction = this.db.transaction([...SYNC_KINDS, META], 'readwrite');
    for (const name of [...SYNC_KINDS, META]) transaction.objectStore(name).clear();
    await committed(transaction);
  }
}
