import type { Readable } from 'node:stream';

/** Bytes to write into a backup: a file on this machine, a buffer, or a stream of known length. */
export type TargetSource = { path: string } | { buffer: Buffer } | { stream: Readable; size: number };

/**
 * Where backups are kept: a folder, or a prefix in an S3 bucket. Each backup is one folder (prefix)
 * `<id>/` holding `manifest.json`, the database dump and `files/<key>`. Names are relative to the target.
 */
export interface BackupTarget {
  /** `/srv/backups` or `s3://bucket/prefix`, for messages. */
  readonly description: string;
  put(name: string, source: TargetSource): Promise<void>;
  /** The object's bytes, or null when there is none. */
  get(name: string): Promise<Readable | null>;
  /** The backup folders (ids) the target holds, in no particular order. */
  listIds(): Promise<string[]>;
  /** The names (relative to the target) of every object under `<id>/`. */
  listBackup(id: string): Promise<string[]>;
  /** Removes one object (nothing when there is none). */
  remove(name: string): Promise<void>;
  /** Removes everything under `<id>/`. */
  removeBackup(id: string): Promise<void>;
  close(): Promise<void>;
}
