/**
 * The user's own archive (one ZIP of everything they own) and its import into an account, as library
 * functions for the job handlers (docs/archive.md). No routes here: the jobs module wires them.
 */
export {
  writeArchive,
  type ArchiveDeps,
  type WriteArchiveOptions,
  type WrittenArchive,
} from './archive.write';
export { importArchive, type ImportArchiveOptions, type ImportResult } from './archive.import';
export {
  ARCHIVE_FORMAT,
  ARCHIVE_FORMAT_VERSION,
  ArchiveAbortedError,
  ImportError,
  MAX_ARCHIVE_ENTRIES,
  MAX_UNPACKED_FACTOR,
  type ArchiveCounts,
  type ArchivedProject,
  type ImportErrorCode,
  type Manifest,
  type ManifestEntry,
} from './archive.format';
