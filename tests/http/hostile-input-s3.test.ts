/**
 * The races of tests/http/hostile-suite.ts on the S3 store (a real S3 API, s3rver, on 127.0.0.1): every
 * write 8 times at once and every route at once, account deletions included, leave no object without its
 * row and no row without its object. Uploads and deletes take longer here than on disk, which widens the
 * windows the races probe.
 */
import { useTestApp } from '../helpers/app';
import { useS3rver } from '../helpers/s3rver';
import { stripeEnv } from '../billing/billing-helpers';
import { useStripeStandIn } from '../billing/stripe-stand-in';
import { hostileSuite } from './hostile-suite';

/** Read by useTestApp when its beforeAll runs, after useS3rver's has filled in S3_ENDPOINT. */
const env = stripeEnv();
const s3 = useS3rver(env, 'colorbook-hostile-test');
useStripeStandIn(env);
const t = useTestApp({ env });

afterAll(async () => {
  await t.ctx?.store.close();
  await s3.stop();
});

hostileSuite(t, { fuzz: false });
