import path from 'node:path';
import type { Config } from '../config';
import type { FileStore } from './file-store';
import { LocalFileStore } from './local-file-store';
import type { S3FileStore } from './s3-file-store';
import { urlSignerFromConfig } from './signed-urls';

export * from './file-store';

/** The folders under DATA_DIR that file handling uses. */
export function storagePaths(config: Config) {
  return {
    /** The local store's root. */
    files: path.join(config.dataDir, 'files'),
    /** Uploads being received and inspected; emptied as each request ends. */
    uploads: path.join(config.dataDir, 'tmp', 'uploads'),
    /** Streams of unknown length on their way to S3. */
    spool: path.join(config.dataDir, 'tmp', 'spool'),
  };
}

/** The store `STORAGE_DRIVER` names: local disk under `DATA_DIR/files`, or the S3 bucket `S3_BUCKET`. */
export function createFileStore(config: Config): FileStore {
  const paths = storagePaths(config);
  if (config.storage.driver === 's3') {
    const s3 = config.storage.s3;
    if (!s3.bucket) throw new Error('STORAGE_DRIVER=s3 needs S3_BUCKET');
    // Loaded only for the S3 driver: the AWS SDK takes ~0.4 s and tens of MB to load, for nothing on local disk.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { S3FileStore: Store } = require('./s3-file-store') as { S3FileStore: typeof S3FileStore };
    return new Store({
      bucket: s3.bucket,
      region: s3.region,
      endpoint: s3.endpoint,
      publicEndpoint: s3.publicEndpoint,
      forcePathStyle: s3.forcePathStyle,
      accessKeyId: s3.accessKeyId,
      secretAccessKey: s3.secretAccessKey,
      ttlS: config.storage.signedUrlTtlS,
      spoolDir: paths.spool,
    });
  }
  return new LocalFileStore({ root: paths.files, signer: urlSignerFromConfig(config) });
}
