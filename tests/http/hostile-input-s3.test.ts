/**
 * The races of tests/http/hostile-suite.ts on the S3 store (a real S3 API, s3rver, on 127.0.0.1): every
 * write 8 times at once and every route at once, account deletions included, leave no object without its
 * row and no row without its object. Uploads and deletes take longer here than on disk, which widens the
 * windows the races probe.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import { useTestApp } from '../helpers/app';
import { stripeEnv } from '../billing/billing-helpers';
import { useStripeStandIn } from '../billing/stripe-stand-in';
import { hostileSuite } from './hostile-suite';

const BUCKET = 'colorbook-hostile-test';
/** Read by useTestApp when its beforeAll runs, after the one below has filled in S3_ENDPOINT. */
const env: Record<string, string | undefined> = {
  ...stripeEnv(),
  STORAGE_DRIVER: 's3',
  S3_BUCKET: BUCKET,
  S3_REGION: 'us-east-1',
  S3_FORCE_PATH_STYLE: 'true',
  S3_ACCESS_KEY_ID: 'S3RVER',
  S3_SECRET_ACCESS_KEY: 'S3RVER',
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

useStripeStandIn(env);
const t = useTestApp({ env });

afterAll(async () => {
  await server?.close();
  fs.rmSync(directory, { recursive: true, force: true });
});

hostileSuite(t, { fuzz: false });
