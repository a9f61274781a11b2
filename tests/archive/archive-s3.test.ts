/**
 * The archive round trip on the S3 store: a real S3 API (s3rver) on 127.0.0.1, started before the app and
 * stopped after it. The ZIP streams into the bucket (a put of unknown length) and the files stream out of it.
 */
import { useTestApp } from '../helpers/app';
import { useS3rver } from '../helpers/s3rver';
import { describeRoundTrip } from './round-trip';

/** Read by useTestApp when its beforeAll runs, after useS3rver's has filled in S3_ENDPOINT. */
const env: Record<string, string | undefined> = {};
const s3 = useS3rver(env, 'colorbook-archive-test');

const t = useTestApp({ env });

afterAll(async () => {
  await t.ctx?.store.close();
  await s3.stop();
});

describeRoundTrip('S3 store', t);
