/**
 * A sync client for the tests: pulls GET /api/sync/changes page by page into a local map, the way the SPA
 * does, checking on the way that no page holds a resource twice; and the state the GETs answer, to compare.
 */

import type { DatabasePool } from '../../src/db/database';

export interface Change {
  kind: 'user' | 'project' | 'story' | 'image' | 'drawing';
  id: string;
  projectId: string | null;
  op: 'upsert' | 'delete';
  version: number | null;
  data: any;
  changedAt: string;
}

export interface ChangesPage {
  changes: Change[];
  cursor: string;
  hasMore: boolean;
}

/** One GET of the feed: any function answering status and body (supertest or fetch). */
export type Fetch = (since: string | undefined, limit: number) => Promise<{ status: number; body: any }>;

/** The local copy: `kind:id` → data. */
export type LocalState = Map<string, any>;

export const keyOf = (kind: string, id: string) => `${kind}:${id}`;

/** Applies one change as the SPA does: an upsert replaces, a delete removes (a project's children too). */
export function applyChange(state: LocalState, change: Change): void {
  const key = keyOf(change.kind, change.id);
  if (change.op === 'upsert') {
    state.set(key, change.data);
    return;
  }
  state.delete(key);
  if (change.kind === 'project') {
    for (const [other, data] of state) {
      if (!other.startsWith('project:') && !other.startsWith('user:') && data?.projectId === change.id) {
        state.delete(other);
      }
    }
  }
}

export interface PullResult {
  cursor: string;
  pages: ChangesPage[];
}

/**
 * Pulls from `since` until `hasMore` is false, applying every change; throws when a page holds a resource
 * twice or answers anything but 200.
 */
export async function pullUntilDone(
  fetchPage: Fetch,
  state: LocalState,
  since: string | undefined,
  limit: number,
  maxPages = 10_000,
): Promise<PullResult> {
  const pages: ChangesPage[] = [];
  let cursor = since;
  for (let i = 0; i < maxPages; i += 1) {
    const page = await pullPage(fetchPage, state, cursor, limit);
    pages.push(page);
    cursor = page.cursor;
    if (!page.hasMore) return { cursor, pages };
  }
  throw new Error('the feed never said hasMore: false');
}

/** One page from `since`, applied; answers it (throws on a repeat or a status other than 200). */
export async function pullPage(
  fetchPage: Fetch,
  state: LocalState,
  since: string | undefined,
  limit: number,
): Promise<ChangesPage> {
  const res = await fetchPage(since, limit);
  if (res.status !== 200) throw new Error(`feed answered ${res.status}: ${JSON.stringify(res.body)}`);
  const page = res.body as ChangesPage;
  assertNoDuplicates(page);
  if (page.changes.length > limit) throw new Error(`page of ${page.changes.length} > limit ${limit}`);
  for (const change of page.changes) applyChange(state, change);
  return page;
}

export function assertNoDuplicates(page: ChangesPage): void {
  const seen = new Set<string>();
  for (const change of page.changes) {
    const key = keyOf(change.kind, change.id);
    if (seen.has(key)) throw new Error(`a page holds ${key} twice`);
    seen.add(key);
  }
}

/** Any GET as the user: status and body. */
export type Get = (path: string) => Promise<{ status: number; body: any }>;

/** Every page of a list route. */
async function listAll(get: Get, path: string): Promise<any[]> {
  const rows: any[] = [];
  for (let page = 1; ; page += 1) {
    const res = await get(`${path}?limit=100&page=${page}`);
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}`);
    rows.push(...res.body.data);
    if (page >= res.body.pagination.totalPages) return rows;
  }
}

/** What the GETs answer for the user: `kind:id` → body. */
export async function stateFromGets(get: Get): Promise<LocalState> {
  const state: LocalState = new Map();
  const me = await get('/api/auth/me');
  state.set(keyOf('user', me.body.id), me.body);
  for (const [kind, path] of [
    ['project', '/api/projects'],
    ['story', '/api/stories'],
    ['image', '/api/images'],
    ['drawing', '/api/drawings'],
  ] as const) {
    for (const row of await listAll(get, path)) state.set(keyOf(kind, row.id), row);
  }
  return state;
}

/** A comparable form: signed URLs differ from one answer to the next, so they are left out. */
export function comparable(state: LocalState): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of [...state.keys()].sort()) {
    const { url, thumbnailUrl, ...rest } = state.get(key) ?? {};
    void url;
    void thumbnailUrl;
    out[key] = rest;
  }
  return out;
}

/** By id and version (or updatedAt where there is no version). */
export function versions(state: LocalState): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of [...state.keys()].sort()) {
    const data = state.get(key);
    out[key] = data.version ?? data.updatedAt;
  }
  return out;
}

/**
 * A transaction with a transaction id, open on its own connection until `release` settles (another client's
 * slow write): a change committed meanwhile sits above the feed's horizon until it ends (docs/sync.md, "The
 * horizon"). `holdOpen` holds it for `ms`.
 */
export function holdUntil(
  db: DatabasePool,
  release: Promise<unknown>,
): { started: Promise<void>; ended: Promise<void> } {
  let started!: () => void;
  const startedP = new Promise<void>((resolve) => (started = resolve));
  const ended = db.transaction(async (tx) => {
    await tx.query('SELECT pg_current_xact_id()');
    started();
    await release;
  });
  return { started: startedP, ended };
}

export const holdOpen = (db: DatabasePool, ms: number) =>
  holdUntil(db, new Promise((resolve) => setTimeout(resolve, ms)));
