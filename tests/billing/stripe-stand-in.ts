import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the stand-in received; `form` is the form-encoded body with Stripe's bracket keys kept flat. */
export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  idempotencyKey: string | undefined;
  stripeVersion: string | undefined;
  form: Record<string, string>;
}

type Json = Record<string, unknown>;

interface Reply {
  status: number;
  body: Json;
}

/**
 * A small local HTTP stand-in for the Stripe API: customers (create, delete), Checkout sessions and
 * customer-portal sessions,
 * answered in Stripe's shapes (objects, `{ error: {…} }` bodies, idempotency keys replayed). It records every
 * request, so tests assert what the app sent. Listens on 127.0.0.1, port 0.
 */
export class StripeStandIn {
  readonly requests: RecordedRequest[] = [];
  readonly customers = new Map<string, Json>();
  private readonly idempotent = new Map<string, Reply>();
  private failures: Reply[] = [];
  private server: http.Server | undefined;
  private counter = 0;

  constructor(readonly apiKey: string) {}

  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error('the Stripe stand-in is not listening');
    return `http://127.0.0.1:${address.port}`;
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const reply = this.handle(req, Buffer.concat(chunks).toString('utf8'));
        res.writeHead(reply.status, {
          'Content-Type': 'application/json',
          'Request-Id': `req_${crypto.randomBytes(8).toString('hex')}`,
          // Failures are final: the client must not spend the test's time on backoff retries.
          ...(reply.status >= 400 ? { 'Stripe-Should-Retry': 'false' } : {}),
        });
        res.end(JSON.stringify(reply.body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The next request answers this Stripe error instead (e.g. 500 `api_error`, 400 `invalid_request_error`). */
  failNext(status: number, type = 'api_error', message = 'Something went wrong on the stand-in'): void {
    this.failures.push({ status, body: { error: { type, message } } });
  }

  /** Requests to one path, e.g. `POST /v1/customers`. */
  calls(method: string, path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && r.path === path);
  }

  private nextId(prefix: string): string {
    return `${prefix}_test_${++this.counter}${crypto.randomBytes(4).toString('hex')}`;
  }

  private handle(req: http.IncomingMessage, rawBody: string): Reply {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const form = Object.fromEntries(new URLSearchParams(rawBody));
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      authorization: req.headers.authorization,
      idempotencyKey: req.headers['idempotency-key'] as string | undefined,
      stripeVersion: req.headers['stripe-version'] as string | undefined,
      form,
    };
    this.requests.push(recorded);

    if (recorded.authorization !== `Bearer ${this.apiKey}`) {
      return error(401, 'invalid_request_error', 'Invalid API Key provided');
    }
    const failure = this.failures.shift();
    if (failure) return failure;

    const key = recorded.idempotencyKey
      ? `${recorded.method} ${recorded.path} ${recorded.idempotencyKey}`
      : '';
    const replay = key ? this.idempotent.get(key) : undefined;
    if (replay) return replay;
    const reply = this.route(recorded);
    if (key && reply.status < 500) this.idempotent.set(key, reply);
    return reply;
  }

  private route(r: RecordedRequest): Reply {
    const now = Math.floor(Date.now() / 1000);
    const route = `${r.method} ${r.path}`;
    if (route === 'POST /v1/customers') {
      const customer = {
        id: this.nextId('cus'),
        object: 'customer',
        created: now,
        email: r.form.email ?? null,
        name: r.form.name ?? null,
        metadata: metadataOf(r.form),
        livemode: false,
      };
      this.customers.set(customer.id, customer);
      return { status: 200, body: customer };
    }
    const customerPath = /^\/v1\/customers\/([^/]+)$/.exec(r.path);
    if (r.method === 'DELETE' && customerPath) {
      const id = decodeURIComponent(customerPath[1]);
      if (!this.customers.delete(id)) return noSuchCustomer(id, 404);
      return { status: 200, body: { id, object: 'customer', deleted: true } };
    }
    if (route === 'POST /v1/checkout/sessions') {
      const customer = r.form.customer;
      if (customer && !this.customers.has(customer)) return noSuchCustomer(customer);
      if (!r.form['line_items[0][price]']) {
        return error(400, 'invalid_request_error', 'Missing required param: line_items.', 'line_items');
      }
      const id = this.nextId('cs');
      return {
        status: 200,
        body: {
          id,
          object: 'checkout.session',
          created: now,
          mode: r.form.mode,
          status: 'open',
          payment_status: 'unpaid',
          customer: customer ?? null,
          client_reference_id: r.form.client_reference_id ?? null,
          metadata: metadataOf(r.form),
          success_url: r.form.success_url ?? null,
          cancel_url: r.form.cancel_url ?? null,
          subscription: null,
          url: `https://checkout.stripe.test/c/pay/${id}`,
          livemode: false,
        },
      };
    }
    if (route === 'POST /v1/billing_portal/sessions') {
      const customer = r.form.customer;
      if (!customer || !this.customers.has(customer)) return noSuchCustomer(customer ?? '');
      const id = this.nextId('bps');
      return {
        status: 200,
        body: {
          id,
          object: 'billing_portal.session',
          created: now,
          customer,
          return_url: r.form.return_url ?? null,
          url: `https://billing.stripe.test/p/session/${id}`,
          livemode: false,
        },
      };
    }
    return error(404, 'invalid_request_error', `Unrecognized request URL (${r.method}: ${r.path}).`);
  }
}

function error(status: number, type: string, message: string, param?: string): Reply {
  return { status, body: { error: { type, message, ...(param ? { param } : {}) } } };
}

function noSuchCustomer(id: string, status = 400): Reply {
  return {
    status,
    body: {
      error: {
        type: 'invalid_request_error',
        code: 'resource_missing',
        message: `No such customer: '${id}'`,
        param: 'customer',
      },
    },
  };
}

/** `metadata[userId]=…` form keys back into an object. */
function metadataOf(form: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(form)) {
    const match = /^metadata\[([^\]]+)\]$/.exec(name);
    if (match) out[match[1]] = value;
  }
  return out;
}

/**
 * Starts a stand-in for a test file and points `env.STRIPE_API_URL` at it. Call it before `useTestApp(env)`:
 * its beforeAll runs first, so the app is built with the stand-in's port.
 */
export function useStripeStandIn(env: Record<string, string | undefined>): StripeStandIn {
  const standIn = new StripeStandIn(env.STRIPE_SECRET_KEY ?? '');
  beforeAll(async () => {
    await standIn.start();
    env.STRIPE_API_URL = standIn.url;
  });
  afterAll(() => standIn.close());
  return standIn;
}
