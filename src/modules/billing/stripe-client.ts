import Stripe from 'stripe';
import type { Config } from '../../config';

type StripeOptions = NonNullable<ConstructorParameters<typeof Stripe>[1]>;

/**
 * The one Stripe client of an app, built from configuration; undefined without STRIPE_SECRET_KEY (billing is
 * then disabled). STRIPE_API_URL (`http://127.0.0.1:12111`) points it at another API host, such as the tests'
 * local stand-in or stripe-mock; only its scheme, host and port are used.
 */
export function createStripeClient(config: Config): Stripe | undefined {
  const { secretKey, apiUrl } = config.stripe;
  if (!secretKey) return undefined;
  const options: StripeOptions = {
    // Checkout and portal run while a user waits: fail in seconds, not the library's default 80 s.
    timeout: 15_000,
    maxNetworkRetries: 2,
    telemetry: false,
    appInfo: { name: 'ColorBook Engine' },
  };
  if (apiUrl) {
    const url = new URL(apiUrl);
    const protocol = url.protocol === 'http:' ? 'http' : 'https';
    options.protocol = protocol;
    options.host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    options.port = url.port ? Number(url.port) : protocol === 'http' ? 80 : 443;
  }
  return new Stripe(secretKey, options);
}
