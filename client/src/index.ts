export {
  createColorBookClient,
  type ArchiveJob,
  type AuthResult,
  type ColorBookClient,
  type ColorBookClientOptions,
  type DownloadOptions,
  type ExportJob,
  type ExportOptions,
  type ImportJob,
  type Problem,
  type SignOutReason,
  type UploadOptions,
  type UploadResult,
  type User,
  type WaitOptions,
} from './client.js';
export { ApiError, type ProblemBody } from './errors.js';
export {
  memoryQueueStorage,
  OfflineQueue,
  webStorageQueueStorage,
  type OfflineQueueOptions,
  type QueueInput,
  type QueueInputFor,
  type QueueMethod,
  type QueuedRequest,
  type QueueStorage,
  type ReplayOutcome,
} from './offline-queue.js';
export type {
  ApiPath,
  FilledPath,
  MultipartPath,
  MultipartPathTemplateFor,
  PathMethod,
  PathTemplateFor,
} from './paths.js';
export type { components, operations, paths } from './schema.js';
export {
  memoryTokenStorage,
  webStorageTokenStorage,
  type TokenPair,
  type TokenStorage,
  type WebStorageLike,
} from './tokens.js';
export {
  defaultTransport,
  encodeMultipart,
  fetchTransport,
  xhrTransport,
  type MultipartInput,
  type UploadProgress,
  type UploadRequest,
  type UploadResponse,
  type UploadTransport,
} from './upload.js';
export { EventStreamParser, readEventStream, type EventStreamHandlers, type ServerSentEvent } from './sse.js';
export {
  createSync,
  SyncEngine,
  type ChangeListener,
  type ChangeSource,
  type PullResult,
  type SyncClient,
  type SyncConflict,
  type SyncOptions,
} from './sync.js';
export {
  IndexedDbSyncStore,
  MemorySyncStore,
  SYNC_KINDS,
  type Change,
  type IdbDatabase,
  type IdbFactory,
  type SyncKind,
  type SyncRecord,
  type SyncResources,
  type SyncStore,
} from './sync-store.js';
