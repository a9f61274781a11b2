import type { AppContext } from '../../context';
import { appError, validationError } from '../../http/errors';

/** The kinds of resource the feed carries. */
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

/** A decoded cursor: after `(txid, seq)` in the log, or a position in the full-state pass. */
export type Cursor =
  | { type: 'log'; txid: bigint; seq: bigint }
  | { type: 'full'; horizon: bigint; kind: ChangeKind; afterId: string | null };

/** A malformed cursor: 400 VALIDATION_ERROR on `since`. */
const malformed = () =>
  validationError('`since` is not a cursor this server handed out', [
    { path: 'since', message: '"since" is not a valid cursor' },
  ]);

/** A cursor before the retention horizon: 410 CURSOR_EXPIRED. */
export const cursorExpired = () =>
  appError(
    'CURSOR_EXPIRED',
    'This cursor is older than the retained change log: pull the full state again (without `since`)',
  );

/** Decodes `since`, strictly; throws 400 VALIDATION_ERROR when it is not one of ours. */
export function parseCursor(since: string): Cursor {
  throw malformed();
}

export function encodeCursor(cursor: Cursor): string {
  throw new Error('not yet');
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
): Promise<ChangesPage> {
  void ctx;
  void userId;
  void since;
  void limit;
  throw new Error('not yet');
}
