import type { AppContext } from '../../context';
import { appError, validationError } from '../../http/errors';
import { readableDrawingsByIds } from '../drawings/drawings.service';
import { readableImagesByIds } from '../images/images.service';
import { readableProjectsByIds } from '../projects/projects.service';
import { readableStoriesByIds } from '../stories/stories.service';
import { findUser } from '../users/users.service';
import * as q from './sync.queries';

/** The kinds of resource the feed carries, in the order the full state lists them. */
export const CHANGE_KINDS = ['user', 'project', 'story', 'image', 'drawing'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/**
 * One entry of the feed (docs/sync.md): the resource's current state exactly as its own GET answers it
 * (`op: 'upsert'`), or `data: null` (`op: 'delete'`). `projectId` is null for the user, a project's own id
 * for a project. `version` is the resource's version where it has one (projects, stories, drawings).
 */
export interface Change {
  kind: ChangeKind;
  id: string;
  projectId: string | null;
  op: 'upsert' | 'delete';
  version: number | null;
  data: unknown;
  changedAt: string;
}

export interface ChangesPage {
  changes: Change[];
  /** Opaque: pass as `since` to get what changed after this page. */
  cursor: string;
  /** True when more changes are ready now: pull again at once with `cursor`. */
  hasMore: boolean;
}

/**
 * A decoded cursor: after `(txid, seq)` in the log (everything below `txid` when `seq` is 0), or a position
 * in the full-state pass taken at log position `horizon` (the next id after `afterId` of `kind`).
 */
export type Cursor =
  | { type: 'log'; txid: string; seq: string }
  | { type: 'full'; horizon: string; kind: ChangeKind; afterId: string | null };

/** The longest cursor this server hands out, encoded (a full-state cursor with a uuid: 88 characters). */
export const CURSOR_MAX_LENGTH = 128;

const INT64_MAX = 2n ** 63n - 1n;
const DIGITS = '(0|[1-9][0-9]{0,18})';
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const LOG_FORM = new RegExp(`^v1\\.${DIGITS}\\.${DIGITS}$`);
const FULL_FORM = new RegExp(`^v1\\.f\\.${DIGITS}\\.(${CHANGE_KINDS.join('|')})\\.(-|${UUID})$`);

/** A malformed cursor: 400 VALIDATION_ERROR on `since`. */
const malformed = () =>
  validationError('`since` is not a cursor this server handed out', [
    { path: 'since', message: '"since" is not a valid cursor' },
  ]);

/** A cursor before the retention horizon: 410 CURSOR_EXPIRED. */
export const cursorExpired = () =>
  appError(
    'CURSOR_EXPIRED',
    'This cursor is older than the retained change log (SYNC_RETENTION_DAYS): pull the full state again ' +
      '(without `since`)',
  );

const inRange = (digits: string) => BigInt(digits) <= INT64_MAX;

/** Decodes `since`, strictly; throws 400 VALIDATION_ERROR when it is not one of ours. */
export function parseCursor(since: string): Cursor {
  if (since.length > CURSOR_MAX_LENGTH || !/^[A-Za-z0-9_-]+$/.test(since)) throw malformed();
  const text = Buffer.from(since, 'base64url').toString('latin1');
  // Only the canonical encoding: the same text must encode back to the same cursor.
  if (Buffer.from(text, 'latin1').toString('base64url') !== since) throw malformed();
  const log = LOG_FORM.exec(text);
  if (log) {
    if (!inRange(log[1]!) || !inRange(log[2]!)) throw malformed();
    return { type: 'log', txid: log[1]!, seq: log[2]! };
  }
  const full = FULL_FORM.exec(text);
  if (full) {
    if (!inRange(full[1]!)) throw malformed();
    const kind = full[2] as ChangeKind;
    const afterId = full[3] === '-' ? null : full[3]!;
    return { type: 'full', horizon: full[1]!, kind, afterId };
  }
  throw malformed();
}

export function encodeCursor(cursor: Cursor): string {
  const text =
    cursor.type === 'log'
      ? `v1.${cursor.txid}.${cursor.seq}`
      : `v1.f.${cursor.horizon}.${cursor.kind}.${cursor.afterId ?? '-'}`;
  return Buffer.from(text, 'latin1').toString('base64url');
}

type Loaded = { id: string; projectId: string | null; version: number | null; data: unknown };

/** The current state of `ids` of one kind as `userId` may see it (one query per kind); missing → absent. */
async function loadStates(
  ctx: AppContext,
  userId: string,
  kind: ChangeKind,
  ids: string[],
): Promise<Map<string, Loaded>> {
  const found = new Map<string, Loaded>();
  if (ids.length === 0) return found;
  const put = (id: string, projectId: string | null, version: number | null, data: unknown) =>
    found.set(id, { id, projectId, version, data });
  switch (kind) {
    case 'user': {
      // The only user row in anyone's feed is their own.
      const user = ids.includes(userId) ? await findUser(ctx.db, ctx.config, userId) : null;
      if (user) put(user.id, null, null, user);
      break;
    }
    case 'project':
      for (const row of await readableProjectsByIds(ctx, userId, ids)) put(row.id, row.id, row.version, row);
      break;
    case 'story':
      for (const row of await readableStoriesByIds(ctx, userId, ids))
        put(row.id, row.projectId, row.version, row);
      break;
    case 'image':
      for (const row of await readableImagesByIds(ctx, userId, ids)) put(row.id, row.projectId, null, row);
      break;
    case 'drawing':
      for (const row of await readableDrawingsByIds(ctx, userId, ids))
        put(row.id, row.projectId, row.version, row);
      break;
  }
  return found;
}

/** The states of a list of (kind, id), one query per kind present. */
async function loadAll(
  ctx: AppContext,
  userId: string,
  wanted: Array<{ kind: ChangeKind; id: string }>,
): Promise<Map<string, Loaded>> {
  const byKind = new Map<ChangeKind, string[]>();
  for (const { kind, id } of wanted) {
    const list = byKind.get(kind) ?? [];
    list.push(id);
    byKind.set(kind, list);
  }
  const states = new Map<string, Loaded>();
  await Promise.all(
    [...byKind].map(async ([kind, ids]) => {
      for (const [id, state] of await loadStates(ctx, userId, kind, ids)) states.set(`${kind}:${id}`, state);
    }),
  );
  return states;
}

/**
 * Whether a cursor at transaction `txid` can still be served: above the pruned horizon (rows at or below it
 * may be gone), and not above the current horizon. A cursor is never handed out above the horizon of its
 * time and the horizon never moves back, so one above it comes from another database (a dump restored into
 * a new cluster starts its transaction ids again): its client must start again too.
 */
function usable(txid: string, horizon: q.Horizon): boolean {
  const position = BigInt(txid);
  return position > BigInt(horizon.pruned) && position <= BigInt(horizon.xmin);
}

const upsert = (kind: ChangeKind, state: Loaded, changedAt: string): Change => ({
  kind,
  id: state.id,
  projectId: state.projectId,
  op: 'upsert',
  version: state.version,
  data: state.data,
  changedAt,
});

const laterOf = (a: { txid: string; seq: string }, b: { txid: string; seq: string }) => {
  const [at, bt] = [BigInt(a.txid), BigInt(b.txid)];
  if (at !== bt) return at > bt ? a : b;
  return BigInt(a.seq) >= BigInt(b.seq) ? a : b;
};

export interface PullOptions {
  /**
   * Wait (up to 2 s) for committed changes an open transaction holds back before answering a page that is
   * not full, and answer `hasMore` true if they are still held. The feed route waits, so "read until
   * `hasMore` is false" ends with everything committed before the request; the stream does not (its
   * process looks at the horizon every second and pulls again when it moves).
   */
  waitForHeld?: boolean;
}

/** How long a feed page waits for changes an open transaction holds back, and how often it looks again. */
const HELD_BACK_WAIT_MS = 2000;
const HELD_BACK_POLL_MS = 20;

/** What changed after a log position: at most `limit` log rows, each resource once (its latest state). */
async function pullLog(
  ctx: AppContext,
  userId: string,
  after: { txid: string; seq: string },
  limit: number,
  options: PullOptions,
): Promise<ChangesPage> {
  // A page that is not full would say "nothing more" (`hasMore` false). When committed changes of this user
  // sit at or above the page's horizon — held back by a transaction that began earlier and is still open,
  // anywhere on the cluster — that would be untrue at this moment: wait for the horizon to pass them (the
  // usual hold is milliseconds), then read again. A hold that outlasts the wait answers `hasMore` true, so a
  // client reading until `hasMore` is false still ends with everything committed before it asked.
  const waitUntil = Date.now() + (options.waitForHeld ? HELD_BACK_WAIT_MS : 0);
  let held = false;
  let page = await q.findChangesAfter(ctx.db, userId, after, limit);
  if (!usable(after.txid, page.horizon)) throw cursorExpired();
  while (page.rows.length < limit && (await q.hasHeldBackChanges(ctx.db, userId, page.horizon.xmin))) {
    if (Date.now() >= waitUntil) {
      held = options.waitForHeld === true;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, HELD_BACK_POLL_MS));
    page = await q.findChangesAfter(ctx.db, userId, after, limit);
  }
  const { horizon, rows } = page;

  // Each resource once, at the place of its last row in the page.
  const last = new Map<string, q.LogRow>();
  for (const row of rows) {
    const key = `${row.kind}:${row.resourceId}`;
    last.delete(key);
    last.set(key, row);
  }
  const entries = [...last.values()];
  const states = await loadAll(
    ctx,
    userId,
    entries.filter((row) => row.op === 'upsert').map((row) => ({ kind: row.kind, id: row.resourceId })),
  );
  const changes = entries.map((row): Change => {
    const changedAt = row.changedAt.toISOString();
    const state = row.op === 'upsert' ? states.get(`${row.kind}:${row.resourceId}`) : undefined;
    if (state) return upsert(row.kind, state, changedAt);
    // Deleted, or no longer readable by this user, since the row was written: gone for them.
    return {
      kind: row.kind,
      id: row.resourceId,
      projectId: row.projectId,
      op: 'delete',
      version: null,
      data: null,
      changedAt,
    };
  });

  const full = rows.length >= limit;
  const position = full ? rows[rows.length - 1]! : laterOf(after, { txid: horizon.xmin, seq: '0' });
  return {
    changes,
    cursor: encodeCursor({ type: 'log', txid: position.txid, seq: position.seq }),
    hasMore: full || held,
  };
}

/**
 * The full state, paged by (kind, id), as upserts; then, in the same answer when the page has room, what
 * changed since the pass began (the log after its horizon), so that a client that reads until `hasMore` is
 * false has everything.
 */
async function pullFull(
  ctx: AppContext,
  userId: string,
  from: { horizon: string | null; kind: ChangeKind; afterId: string | null },
  limit: number,
  options: PullOptions,
): Promise<ChangesPage> {
  const now = await q.findHorizon(ctx.db);
  const horizon = from.horizon ?? now.xmin;
  if (!usable(horizon, now)) throw cursorExpired();

  const wanted: Array<{ kind: ChangeKind; id: string }> = [];
  let kindIndex = CHANGE_KINDS.indexOf(from.kind);
  let afterId = from.afterId;
  while (kindIndex < CHANGE_KINDS.length && wanted.length < limit) {
    const kind = CHANGE_KINDS[kindIndex]!;
    const ids =
      kind === 'user'
        ? afterId === null
          ? [userId]
          : []
        : await q.findReadableIds(ctx.db, userId, kind, afterId, limit - wanted.length);
    for (const id of ids) wanted.push({ kind, id });
    if (wanted.length >= limit) break;
    kindIndex += 1;
    afterId = null;
  }
  const states = await loadAll(ctx, userId, wanted);
  const changedAt = new Date().toISOString();
  const changes: Change[] = [];
  for (const { kind, id } of wanted) {
    const state = states.get(`${kind}:${id}`);
    // Gone since its id was listed: its delete is in the log after the horizon.
    if (state) changes.push(upsert(kind, state, changedAt));
  }

  if (wanted.length >= limit) {
    const lastOne = wanted[wanted.length - 1]!;
    return {
      changes,
      cursor: encodeCursor({ type: 'full', horizon, kind: lastOne.kind, afterId: lastOne.id }),
      hasMore: true,
    };
  }
  // The pass is complete: continue with the log from its horizon in the room left.
  const rest = await pullLog(ctx, userId, { txid: horizon, seq: '0' }, limit - wanted.length, options);
  const later = new Set(rest.changes.map((change) => `${change.kind}:${change.id}`));
  return {
    changes: [...changes.filter((change) => !later.has(`${change.kind}:${change.id}`)), ...rest.changes],
    cursor: rest.cursor,
    hasMore: rest.hasMore,
  };
}

/**
 * The one function the feed (`GET /api/sync/changes`) and the stream share: what `userId` can see that
 * changed after `since` (everything, as upserts, without it), at most `limit` changes, in commit order.
 * 400 VALIDATION_ERROR for a malformed cursor, 410 CURSOR_EXPIRED for one older than the retained log.
 */
export async function pullChanges(
  ctx: AppContext,
  userId: string,
  since: string | undefined,
  limit: number,
  options: PullOptions = {},
): Promise<ChangesPage> {
  if (since === undefined)
    return pullFull(ctx, userId, { horizon: null, kind: 'user', afterId: null }, limit, options);
  const cursor = parseCursor(since);
  if (cursor.type === 'full') return pullFull(ctx, userId, cursor, limit, options);
  return pullLog(ctx, userId, cursor, limit, options);
}

/** The hourly maintenance step: drops log rows older than SYNC_RETENTION_DAYS; the number removed. */
export const pruneSyncChanges = (ctx: AppContext) => q.pruneChanges(ctx.db, ctx.config.syncRetentionDays);
