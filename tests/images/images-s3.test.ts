/**
 * The store-dependent image and drawing tests on the S3 store: a real S3 API (s3rver) on 127.0.0.1 and a
 * random port, started before the app and stopped after it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import { useTestApp } from '../helpers/app';
import { storeSuite } from './store-suite';

const BUCKET = 'colorbook-images-test';
/** Read by useTestApp when its beforeAll runs, after the one below has filled in S3_ENDPOINT. */
const env: Record<string, string> = {
  STORAGE_DRIVER: 's3',
  S3_BUCKET: BUCKET,
  S3_REGION: 'us-east-1',
  S3_FORCE_PATH_STYLE: 'true',
  S3_ACCESS_KEY_ID: 'S3RVER',
  S3_SECRET_ACCESS_KEY: 'S3RVER',
  MAX_UPLOAD_BYTES: String(2 * 1024 * 1024),
};

let server: S3rver | undefined;
const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'colorbook-s3rver-'));

beforeAll(async () => {
  server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: BUCKET }],
  });
  const { port } = await server.run();
  env.S3_ENDPOINT = `http://127.0.0.1:${port}`;
});

const t = useTestApp({ env, validateResponses: true });

afterAll(async () => {
  await t.ctx?.store.close();
  await server?.close();
  fs.rmSync(directory, { recursive: true, force: true });
});

describe('images and drawings on the S3 store', () => {
  storeSuite(t, 's3');
});
