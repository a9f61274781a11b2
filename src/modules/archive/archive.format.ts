/**
 * The user's archive: one ZIP of everything the user owns (docs/archive.md). What is in it, where, and the
 * errors an import answers. The writer (archive.write.ts) and the importer (archive.import.ts) share it.
 */

/** `manifest.json`'s `format`: names what the file is. */
export const ARCHIVE_FORMAT = 'colorbook-archive';
/** `manifest.json`'s `formatVersion`; an import refuses any other. */
export const ARCHIVE_FORMAT_VERSION = 1;

/** An import refuses an archive with more entries than this (ZIP bomb). */
export const MAX_ARCHIVE_ENTRIES = 10_000;
/** An import refuses an archive that unpacks past this many times the upload limit (ZIP bomb). */
export const MAX_UNPACKED_FACTOR = 20;
/** The largest manifest.json an import reads (10,000 entries take about 1.5 MB). */
export const MAX_MANIFEST_BYTES = 8 * 1024 * 1024;
/** The largest project.json, account.json, templates.json or ratings.json an import reads. */
export const MAX_JSON_BYTES = 64 * 1024 * 1024;
/** The largest drawing data file an import reads: the 5 MB limit of drawings, with room for indentation. */
export const MAX_DRAWING_DATA_BYTES = 8 * 1024 * 1024;

export const MANIFEST_PATH = 'manifest.json';
export const ACCOUNT_PATH = 'account.json';
export const TEMPLATES_PATH = 'templates.json';
export const RATINGS_PATH = 'ratings.json';

/** The file extension of each image type in the archive (the file stores' own). */
export const IMAGE_EXTENSIONS = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
} as const;
export type ArchivedImageType = keyof typeof IMAGE_EXTENSIONS;

export const projectFolder = (projectId: string) => `projects/${projectId}`;
export const projectJsonPath = (projectId: string) => `${projectFolder(projectId)}/project.json`;
export const imagePath = (projectId: string, imageId: string, mimeType: ArchivedImageType) =>
  `${projectFolder(projectId)}/images/${imageId}.${IMAGE_EXTENSIONS[mimeType]}`;
export const drawingDataPath = (projectId: string, drawingId: string) =>
  `${projectFolder(projectId)}/drawings/${drawingId}.json`;
export const drawingPngPath = (projectId: string, drawingId: string) =>
  `${projectFolder(projectId)}/drawings/${drawingId}.png`;

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/** Every entry name an archive may hold; anything else is refused. */
export const ENTRY_PATTERN = new RegExp(
  `^(?:manifest\\.json|account\\.json|templates\\.json|ratings\\.json|` +
    `projects/(${UUID})/(?:project\\.json|images/${UUID}\\.(?:png|jpg|webp)|drawings/${UUID}\\.(?:json|png)))$`,
);

/** One entry of the manifest: every entry of the ZIP but the manifest itself, in the order written. */
export interface ManifestEntry {
  path: string;
  size: number;
  sha256: string;
}

export interface ArchiveCounts {
  projects: number;
  versions: number;
  stories: number;
  images: number;
  drawings: number;
  templates: number;
  ratings: number;
}

export interface Manifest {
  format: typeof ARCHIVE_FORMAT;
  formatVersion: typeof ARCHIVE_FORMAT_VERSION;
  createdAt: string;
  counts: ArchiveCounts;
  entries: ManifestEntry[];
}

/** A project as `projects/<id>/project.json` holds it. Ids are the archived ones; an import gives new ones. */
export type ArchivedImage = ArchivedProject['images'][number];
export type ArchivedDrawing = ArchivedProject['drawings'][number];
export type ArchivedStory = ArchivedProject['stories'][number];
export type ArchivedVersion = ArchivedProject['versions'][number];

/** A row as the database answers it: times are Dates; JSON has them as ISO strings. */
export type AsRow<T> = Omit<T, 'createdAt' | 'updatedAt'> & { createdAt: Date; updatedAt: Date };

export interface ArchivedProject {
  project: {
    id: string;
    title: string;
    description: string | null;
    category: string | null;
    status: string;
    tags: string[];
    settings: Record<string, unknown>;
    coverImageId: string | null;
    version: number;
    createdAt: string;
    updatedAt: string;
  };
  /** Oldest first; `snapshot` holds the project's fields as they were then. */
  versions: Array<{
    version: number;
    changedFields: string[];
    snapshot: Record<string, unknown>;
    createdAt: string;
  }>;
  stories: Array<{
    id: string;
    title: string;
    content: string;
    imagePrompts: string[];
    wordCount: number;
    position: number;
    metadata: Record<string, unknown>;
    version: number;
    createdAt: string;
    updatedAt: string;
  }>;
  images: Array<{
    id: string;
    storyId: string | null;
    kind: 'page' | 'cover' | 'reference';
    title: string | null;
    originalFilename: string | null;
    prompt: string | null;
    provider: string | null;
    model: string | null;
    mimeType: ArchivedImageType;
    width: number;
    height: number;
    sizeBytes: number;
    sha256: string;
    position: number;
    metadata: Record<string, unknown>;
    createdAt: string;
    updatedAt: string;
    /** The original's entry: `projects/<projectId>/images/<id>.<png|jpg|webp>`. */
    file: string;
  }>;
  drawings: Array<{
    id: string;
    imageId: string | null;
    title: string | null;
    width: number;
    height: number;
    version: number;
    createdAt: string;
    updatedAt: string;
    /** The vector data's entry: `projects/<projectId>/drawings/<id>.json`. */
    data: string;
    /** The rendered PNG: `projects/<projectId>/drawings/<id>.png`, or null when the drawing has none. */
    png: { file: string; sizeBytes: number } | null;
  }>;
}

/**
 * Why an import was refused. `code` and `message` are what the import job reports as its `error`;
 * `projectsImported` says how many projects were imported (and kept) before it failed.
 */
export type ImportErrorCode =
  /** The file is not a ZIP (or its central directory is damaged). */
  | 'NOT_A_ZIP'
  /** No manifest.json, or not this format, or a format version this server does not read. */
  | 'UNSUPPORTED_FORMAT_VERSION'
  /** An entry name with `..`, an absolute path, a backslash or a drive letter (zip-slip). */
  | 'UNSAFE_PATH'
  /** Over 10,000 entries, or unpacking (declared or actual) past 20× the upload limit. */
  | 'ZIP_BOMB'
  /** The manifest lies: an entry missing, extra, of another size or another SHA-256; counts that differ. */
  | 'MANIFEST_MISMATCH'
  /** An entry the format does not have, JSON that does not parse or does not fit the format, encryption. */
  | 'INVALID_ARCHIVE'
  /** A file whose bytes are not the type its name and project.json say, or that does not decode. */
  | 'FILE_TYPE_MISMATCH'
  /** A project does not fit in the caller's storage limit (nothing of it is kept). */
  | 'STORAGE_QUOTA_EXCEEDED'
  /** The caller's AbortSignal fired (the job was cancelled or the server is stopping). */
  | 'ABORTED';

export class ImportError extends Error {
  constructor(
    readonly code: ImportErrorCode,
    message: string,
    readonly projectsImported = 0,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ImportError';
  }

  /** The same error, saying how many projects were imported before it. */
  withProjectsImported(count: number): ImportError {
    return new ImportError(this.code, this.message, count, { cause: this.cause });
  }
}

/** Thrown by `writeArchive` when its signal fires; nothing is stored. */
export class ArchiveAbortedError extends Error {
  readonly code = 'ABORTED';
  constructor() {
    super('The archive was cancelled');
    this.name = 'ArchiveAbortedError';
  }
}
