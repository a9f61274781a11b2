import crypto from 'node:crypto';
import type { Request, Response } from 'express';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { DatabasePool } from '../db/database';

/** The `route` label of requests no declared route matched: never the raw path (unbounded label values). */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * One app's Prometheus registry (not prom-client's global one, so several apps in one process, as in tests,
 * never collide) with the request histogram, the pool gauges and the default process metrics, which include
 * event-loop lag (`nodejs_eventloop_lag_seconds` and its percentiles).
 */
export interface Metrics {
  registry: Registry;
  /**
   * Counts one finished request (not one the client gave up on: it has no status to count it under).
   * Called by the request-context middleware, which is mounted first, so 404s, 429s and errors count too.
   */
  recordRequest(req: Request, res: Response, seconds: number): void;
}

export function createMetrics(db: DatabasePool): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from the request to the end of its response, by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });

  // Read at scrape time, so they cost nothing between scrapes.
  const pool = (name: string, help: string, read: (stats: ReturnType<DatabasePool['stats']>) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read(db.stats()));
      },
    });
  pool(
    'db_pool_connections_total',
    'Database connections open in this process (busy and idle)',
    (s) => s.total,
  );
  pool('db_pool_connections_idle', 'Open database connections not in use', (s) => s.idle);
  pool(
    'db_pool_requests_waiting',
    'Queries and transactions waiting for a free connection',
    (s) => s.waiting,
  );

  const recordRequest = (req: Request, res: Response, seconds: number): void => {
    const route = typeof res.locals.routePath === 'string' ? res.locals.routePath : UNMATCHED_ROUTE;
    duration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
  };

  return { registry, recordRequest };
}

/** Compares a presented bearer token with the configured one in constant time (hashes first: equal lengths). */
export function tokenMatches(presented: string, expected: string): boolean {
  const digest = (value: string) => crypto.createHash('sha256').update(value).digest();
  return crypto.timingSafeEqual(digest(presented), digest(expected));
}
