import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import type { FileStore } from '../../src/storage/file-store';
import { LocalFileStore } from '../../src/storage/local-file-store';
import { S3FileStore } from '../../src/storage/s3-file-store';
import { createUrlSigner } from '../../src/storage/signed-urls';

export const TEST_SECRET = 'storage-test-secret-that-is-long-enough-0123456789';

/** A store under test plus what the suites need to look behind it. */
export interface StoreUnderTest {
  name: 'local' | 's3';
  store: FileStore;
  /** The local store's root folder (local only). */
  root?: string;
  close(): Promise<void>;
}

/** A local store in a fresh temp folder. */
export function startLocalStore(): StoreUnderTest {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'colorbook-files-'));
  const store = new LocalFileStore({ root, signer: createUrlSigner({ secret: TEST_SECRET, ttlS: 900 }) });
  return {
    name: 'local',
    store,
    root,
    close: async () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

/** An S3 store on a real S3 API: s3rver on 127.0.0.1, a random port and a fresh temp folder. */
export async function startS3Store(): Promise<StoreUnderTest> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'colorbook-s3rver-'));
  const bucket = 'colorbook-test';
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  const store = new S3FileStore({
    bucket,
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${port}`,
    forcePathStyle: true,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    ttlS: 900,
  });
  return {
    name: 's3',
    store,
    close: async () => {
      await store.close();
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** Reads a stream to the end. */
export async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

export async function listKeys(store: FileStore, prefix?: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const file of store.list(prefix)) keys.push(file.key);
  return keys.sort();
}
