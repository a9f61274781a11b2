import type { Database } from '../../db/database';
import { readableChildrenSql, type ChildTable } from '../projects/project-access';

/** One row of the change log (migration 0013). txid and seq as decimal strings (64-bit). */
export interface LogRow {
  seq: string;
  txid: string;
  kind: 'user' | 'project' | 'story' | 'image' | 'drawing';
  resourceId: string;
  projectId: string | null;
  op: 'upsert' | 'delete';
  changedAt: Date;
}

/** Where the log may be read up to now, and below which it may be pruned. */
export interface Horizon {
  /** Every transaction with a lower id has ended: no log row can appear below it any more. */
  xmin: string;
  /** Log rows with txid <= this may have been pruned: a cursor at or below it is expired. */
  pruned: string;
}

const HORIZON_SQL = `SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin,
       (SELECT pruned_txid::text FROM sync_horizon) AS pruned`;

const LOG_COLUMNS = `c.seq, c.txid, c.kind, c.resource_id, c.project_id, c.op, c.changed_at`;

export async function findHorizon(db: Database): Promise<Horizon> {
  const { rows } = await db.query<Horizon>(HORIZON_SQL);
  return rows[0]!;
}

/**
 * The first `limit` log rows the user can see after `(txid, seq)` and below the horizon, in commit order,
 * and the horizon itself, from one statement (one snapshot). Two index paths, each already in order and
 * cut at `limit`: the user's own rows, and the shared rows of every project they can read now — at most
 * `limit` of each project (LATERAL), so a page after a long absence reads projects × limit index entries at
 * most, never the whole backlog.
 */
export async function findChangesAfter(
  db: Database,
  userId: string,
  after: { txid: string; seq: string },
  limit: number,
): Promise<{ horizon: Horizon; rows: LogRow[] }> {
  const { rows } = await db.query<
    Horizon & {
      seq: string | null;
      txid: string | null;
      kind: LogRow['kind'];
      resource_id: string;
      project_id: string | null;
      op: LogRow['op'];
      changed_at: Date;
    }
  >(
    `WITH h AS (${HORIZON_SQL}),
     readable AS (
       SELECT id FROM projects WHERE user_id = $1
       UNION ALL SELECT project_id FROM project_members WHERE user_id = $1
     ),
     page AS (
       (SELECT ${LOG_COLUMNS} FROM sync_changes c, h
         WHERE c.user_id = $1 AND (c.txid, c.seq) > ($2::bigint, $3::bigint) AND c.txid < h.xmin::bigint
         ORDER BY c.txid, c.seq LIMIT $4)
       UNION ALL
       (SELECT c.* FROM readable r CROSS JOIN LATERAL (
          SELECT ${LOG_COLUMNS} FROM sync_changes c, h
           WHERE c.project_id = r.id AND c.user_id IS NULL
             AND (c.txid, c.seq) > ($2::bigint, $3::bigint) AND c.txid < h.xmin::bigint
           ORDER BY c.txid, c.seq LIMIT $4) c
         ORDER BY c.txid, c.seq LIMIT $4)
       ORDER BY txid, seq LIMIT $4
     )
     SELECT h.xmin, h.pruned, page.seq::text AS seq, page.txid::text AS txid, page.kind, page.resource_id,
            page.project_id, page.op, page.changed_at
       FROM h LEFT JOIN page ON true
      ORDER BY page.txid, page.seq`,
    [userId, after.txid, after.seq, limit],
  );
  const first = rows[0]!;
  return {
    horizon: { xmin: first.xmin, pruned: first.pruned },
    rows: rows
      .filter((row) => row.seq !== null)
      .map((row) => ({
        seq: row.seq!,
        txid: row.txid!,
        kind: row.kind,
        resourceId: row.resource_id,
        projectId: row.project_id,
        op: row.op,
        changedAt: row.changed_at,
      })),
  };
}

/**
 * Whether the user has log rows that are committed (visible to this statement) but at or above `xmin`, the
 * horizon a page was read under: rows a transaction that began earlier and is still open holds back. Two
 * probes of the same indexes the page uses.
 */
export async function hasHeldBackChanges(db: Database, userId: string, xmin: string): Promise<boolean> {
  const { rows } = await db.query<{ held: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM sync_changes c WHERE c.user_id = $1 AND c.txid >= $2::bigint)
         OR EXISTS (SELECT 1 FROM (SELECT id FROM projects WHERE user_id = $1
                                   UNION ALL SELECT project_id FROM project_members WHERE user_id = $1) r
                     WHERE EXISTS (SELECT 1 FROM sync_changes c
                                    WHERE c.project_id = r.id AND c.user_id IS NULL AND c.txid >= $2::bigint))
            AS held`,
    [userId, xmin],
  );
  return rows[0]!.held;
}

const CHILD_TABLE: Record<'story' | 'image' | 'drawing', ChildTable> = {
  story: 'stories',
  image: 'images',
  drawing: 'drawings',
};

/** The ids of the projects (or children of one kind) the user can read, after `afterId`, in id order. */
export async function findReadableIds(
  db: Database,
  userId: string,
  kind: 'project' | 'story' | 'image' | 'drawing',
  afterId: string | null,
  limit: number,
): Promise<string[]> {
  const from =
    kind === 'project'
      ? `(SELECT id FROM projects WHERE user_id = $1
          UNION ALL SELECT project_id FROM project_members WHERE user_id = $1) r`
      : readableChildrenSql(CHILD_TABLE[kind], 'r', '$1', ['id']);
  const { rows } = await db.query<{ id: string }>(
    `SELECT r.id FROM ${from} WHERE $2::uuid IS NULL OR r.id > $2::uuid ORDER BY r.id LIMIT $3`,
    [userId, afterId, limit],
  );
  return rows.map((row) => row.id);
}

/**
 * Deletes the log rows older than `days` and raises the pruned horizon to the newest txid deleted, in one
 * transaction; the number of rows deleted.
 */
export async function pruneChanges(db: Database, days: number): Promise<number> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ removed: number; newest: string | null }>(
      `WITH d AS (DELETE FROM sync_changes WHERE changed_at < now() - make_interval(days => $1) RETURNING txid)
       SELECT count(*)::int AS removed, max(txid)::text AS newest FROM d`,
      [days],
    );
    const { removed, newest } = rows[0]!;
    if (newest !== null) {
      await tx.query('UPDATE sync_horizon SET pruned_txid = greatest(pruned_txid, $1::bigint)', [newest]);
    }
    return removed;
  });
}
