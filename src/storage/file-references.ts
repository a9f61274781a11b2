import type { Database } from '../db/database';

/** A column holding file keys (nullable columns are fine). */
export interface FileKeyColumn {
  table: string;
  column: string;
}

/**
 * Every column in the database that holds a FileStore key. The storage garbage collector deletes any
 * stored file none of these columns points to, so a column missing here means its files get collected.
 *
 * A new table or column that holds keys must be added here. Never empty (the type says so): with no
 * columns every stored file would look unreferenced.
 */
export const FILE_KEY_COLUMNS: readonly [FileKeyColumn, ...FileKeyColumn[]] = [
  { table: 'images', column: 'storage_key' },
  { table: 'images', column: 'thumbnail_key' },
  { table: 'drawings', column: 'png_key' },
  { table: 'export_jobs', column: 'file_key' },
  { table: 'archive_jobs', column: 'file_key' },
  { table: 'import_jobs', column: 'upload_key' },
];

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/**
 * All keys the listed columns hold, read with one statement (one snapshot, so a key moving between rows
 * inside a transaction is never seen as unreferenced). Identifiers come from the fixed list above, never
 * from input.
 */
export async function referencedFileKeys(
  db: Database,
  columns: readonly FileKeyColumn[] = FILE_KEY_COLUMNS,
): Promise<Set<string>> {
  if (columns.length === 0) return new Set();
  for (const { table, column } of columns) {
    if (!IDENTIFIER.test(table) || !IDENTIFIER.test(column))
      throw new Error(`Bad identifier ${table}.${column}`);
  }
  const sql = columns
    .map(({ table, column }) => `SELECT ${column} AS "key" FROM ${table} WHERE ${column} IS NOT NULL`)
    .join(' UNION ');
  const { rows } = await db.query<{ key: string }>(sql);
  return new Set(rows.map((row) => row.key));
}
