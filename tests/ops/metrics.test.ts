import crypto from 'node:crypto';
import type { RequestListener } from 'node:http';
import { Writable } from 'node:stream';
import request from 'supertest';
import winston from 'winston';
import { createApp } from '../../src/app';
import { createLogger } from '../../src/lib/logger';
import { testConfig, useResponseChecks, useTestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';

const t = useTestApp();
// The file's other apps (other settings) are checked against the document too.
const checked = useResponseChecks();
const logger = createLogger({ level: 'error', json: false, silent: true });

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses Prometheus text into samples (enough for our label values: no escaped quotes). */
function parse(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/.exec(line);
      if (!match) throw new Error(`not a sample: ${line}`);
      const labels = Object.fromEntries(
        [...(match[2] ?? '').matchAll(/([a-zA-Z_]\w*)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
      );
      return { name: match[1], labels, value: Number(match[3]) };
    });
}

function find(samples: Sample[], name: string, labels: Record<string, string> = {}): Sample | undefined {
  return samples.find(
    (s) => s.name === name && Object.entries(labels).every(([key, value]) => s.labels[key] === value),
  );
}

/** A logger whose JSON lines land in `lines`. */
function capturingLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const capturing = createLogger({
    level: 'debug',
    json: true,
    transports: [new winston.transports.Stream({ stream: sink })],
  });
  return { logger: capturing, lines };
}

async function scrape(app: RequestListener = t.handler): Promise<Sample[]> {
  const res = await request(app).get('/metrics');
  expect(res.status).toBe(200);
  return parse(res.text);
}

describe('GET /metrics', () => {
  test('when it is scraped, then it answers Prometheus text with the default process metrics, event-loop lag and pool gauges', async () => {
    const res = await t.http().get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.headers).not.toHaveProperty('ratelimit');
    const samples = parse(res.text);
    for (const name of [
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_seconds',
      'nodejs_eventloop_lag_p99_seconds',
    ]) {
      expect(find(samples, name)).toBeDefined();
    }
    // Nothing else runs on this database between the scrape and now: the gauge is the pool's own count.
    expect(find(samples, 'db_pool_connections_total')?.value).toBe(t.db.stats().total);
    expect(find(samples, 'db_pool_connections_idle')).toBeDefined();
    expect(find(samples, 'db_pool_requests_waiting')?.value).toBeGreaterThanOrEqual(0);
  });

  test('when requests are served, then the histogram counts them by method, route template and status', async () => {
    const user = await createUser(t);
    const before = await scrape();
    const label = { method: 'DELETE', route: '/api/auth/sessions/:id', status: '404' };
    const countBefore = find(before, 'http_request_duration_seconds_count', label)?.value ?? 0;

    const missing = crypto.randomUUID();
    expect((await t.http().delete(`/api/auth/sessions/${missing}`).set(user.auth)).status).toBe(404);
    expect((await t.http().delete(`/api/auth/sessions/${crypto.randomUUID()}`).set(user.auth)).status).toBe(
      404,
    );
    expect((await t.http().get('/api/auth/me').set(user.auth)).status).toBe(200);

    const text = (await t.http().get('/metrics')).text;
    const after = parse(text);
    expect(find(after, 'http_request_duration_seconds_count', label)?.value).toBe(countBefore + 2);
    expect(find(after, 'http_request_duration_seconds_bucket', { ...label, le: '+Inf' })?.value).toBe(
      countBefore + 2,
    );
    expect(
      find(after, 'http_request_duration_seconds_count', {
        method: 'GET',
        route: '/api/auth/me',
        status: '200',
      })?.value,
    ).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain(missing);
  });

  test('when a path matches no route, then it is counted as "unmatched", never under its raw path', async () => {
    const path = `/no/such/${crypto.randomBytes(6).toString('hex')}`;
    expect((await t.http().get(path)).status).toBe(404);
    const text = (await t.http().get('/metrics')).text;
    expect(text).not.toContain(path);
    expect(
      find(parse(text), 'http_request_duration_seconds_count', {
        method: 'GET',
        route: 'unmatched',
        status: '404',
      })?.value,
    ).toBeGreaterThanOrEqual(1);
  });

  test('when a known path gets a method it does not take, then the 405 is counted under the path template', async () => {
    expect((await t.http().put('/health')).status).toBe(405);
    const samples = await scrape();
    expect(
      find(samples, 'http_request_duration_seconds_count', { method: 'PUT', route: '/health', status: '405' })
        ?.value,
    ).toBe(1);
  });

  test('when several apps run in one process, then each has its own registry and counts', async () => {
    const other = checked(createApp({ config: testConfig(), db: t.db, logger }));
    await request(other).get('/health');
    await request(other).get('/health');
    const otherCount = find(await scrape(other), 'http_request_duration_seconds_count', {
      route: '/health',
      status: '200',
    });
    expect(otherCount?.value).toBe(2);
    const fresh = checked(createApp({ config: testConfig(), db: t.db, logger }));
    expect(
      find(await scrape(fresh), 'http_request_duration_seconds_count', { route: '/health' }),
    ).toBeUndefined();
  });

  test('when METRICS_TOKEN is set, then /metrics needs it as a bearer token, else 401 problem+json', async () => {
    const token = crypto.randomBytes(24).toString('base64url');
    const app = checked(createApp({ config: testConfig({ METRICS_TOKEN: token }), db: t.db, logger }));

    const none = await request(app).get('/metrics');
    expect(none.status).toBe(401);
    expect(none.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    expect(none.body).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect(none.text).not.toContain(token);

    const wrong = await request(app).get('/metrics').set('Authorization', `Bearer ${token}x`);
    expect(wrong.status).toBe(401);
    const basic = await request(app).get('/metrics').set('Authorization', `Basic ${token}`);
    expect(basic.status).toBe(401);

    const ok = await request(app).get('/metrics').set('Authorization', `Bearer ${token}`);
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('http_request_duration_seconds');
  });

  test('when production runs without METRICS_TOKEN, then /metrics answers 404 like an unknown path and a warning is logged at start', async () => {
    const { logger: capturing, lines } = capturingLogger();
    const production = { NODE_ENV: 'production', DATABASE_URL: 'postgres://u@db.invalid/app' };
    const app = checked(createApp({ config: testConfig(production), db: t.db, logger: capturing }));
    const warnings = lines.map((line) => JSON.parse(line)).filter((entry) => entry.level === 'warn');
    expect(warnings.map((entry) => entry.message)).toEqual([
      expect.stringMatching(/PUBLIC_URL is not set/),
      expect.stringMatching(/METRICS_TOKEN.*\/metrics/),
    ]);

    const hidden = await request(app).get('/metrics');
    const unknown = await request(app).get('/no-such-path');
    expect(hidden.status).toBe(404);
    expect(hidden.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(hidden.body).toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
      detail: 'No route for GET /metrics',
    });
    expect(Object.keys(hidden.body).sort()).toEqual(Object.keys(unknown.body).sort());
    expect(hidden.text).not.toContain('http_request_duration_seconds');
    // Even a bearer token does not open it: there is no token to match.
    expect((await request(app).get('/metrics').set('Authorization', 'Bearer guess')).status).toBe(404);
  });

  test('when production keeps files on local disk without PUBLIC_URL, then a warning says so; with it, none', async () => {
    const production = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://u@db.invalid/app',
      METRICS_TOKEN: 'x'.repeat(32),
    };
    const unset = capturingLogger();
    createApp({ config: testConfig(production), db: t.db, logger: unset.logger });
    expect(unset.lines.filter((line) => line.includes('PUBLIC_URL is not set'))).toHaveLength(1);
    const set = capturingLogger();
    const withUrl = { ...production, PUBLIC_URL: 'https://api.example.com' };
    createApp({ config: testConfig(withUrl), db: t.db, logger: set.logger });
    expect(set.lines.filter((line) => line.includes('PUBLIC_URL'))).toEqual([]);
  });

  test('when production has a METRICS_TOKEN, then /metrics answers with it and nothing is warned about', async () => {
    const token = crypto.randomBytes(24).toString('base64url');
    const { logger: capturing, lines } = capturingLogger();
    const production = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://u@db.invalid/app',
      METRICS_TOKEN: token,
    };
    const app = checked(createApp({ config: testConfig(production), db: t.db, logger: capturing }));
    expect(lines.filter((line) => line.includes('METRICS_TOKEN'))).toEqual([]);
    expect((await request(app).get('/metrics')).status).toBe(401);
    expect((await request(app).get('/metrics').set('Authorization', `Bearer ${token}`)).status).toBe(200);
  });

  test('when the API limit is tiny, then /metrics is still answered: scrapes are not rate limited', async () => {
    const app = checked(createApp({ config: testConfig({ API_RATE_LIMIT: '1' }), db: t.db, logger }));
    for (let i = 0; i < 4; i++) expect((await request(app).get('/metrics')).status).toBe(200);
  });

  test('when the OpenAPI document is read, then /metrics is in it: public, text/plain, 401 documented', async () => {
    const doc = (await t.http().get('/api/openapi.json')).body;
    const operation = doc.paths['/metrics']?.get;
    expect(operation).toBeDefined();
    expect(operation.security).toEqual([]);
    expect(Object.keys(operation.responses['200'].content)).toEqual(['text/plain']);
    expect(operation.responses).toHaveProperty('401');
    expect(operation.responses).toHaveProperty('404');
    expect(operation.description).toMatch(/production.*without `METRICS_TOKEN`.*404/);
    expect(operation.responses).not.toHaveProperty('429');
  });
});
