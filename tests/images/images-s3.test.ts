/**
 * The store-dependent image and drawing tests on the S3 store: a real S3 API (s3rver) on 127.0.0.1 and a
 * random port, started before the app and stopped after it.
 */
import { useTestApp } from '../helpers/app';
import { useS3rver } from '../helpers/s3rver';
import { storeSuite } from './store-suite';

/** Read by useTestApp when its beforeAll runs, after useS3rver's has filled in S3_ENDPOINT. */
const env: Record<string, string | undefined> = { MAX_UPLOAD_BYTES: String(2 * 1024 * 1024) };
const s3 = useS3rver(env, 'colorbook-images-test');

const t = useTestApp({ env, validateResponses: true });

afterAll(async () => {
  await t.ctx?.store.close();
  await s3.stop();
});

describe('images and drawings on the S3 store', () => {
  storeSuite(t, 's3');
});
