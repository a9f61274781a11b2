import Joi from 'joi';
import type { AppContext } from '../../context';
import { errorCause } from '../../db/database';
import { pendingMigrations } from '../../db/migrate';
import { noRoute } from '../../http/error-handler';
import { appError, unauthenticated } from '../../http/errors';
import { tokenMatches } from '../../http/metrics';
import { defineRoute, type RouteDef } from '../../http/route';

const tags = ['Operations'];

export function opsRoutes(ctx: AppContext, openapi: () => Record<string, unknown>): RouteDef[] {
  // Once the schema is current it stays current for this code: check the migrations until then only.
  let migrationsCurrent = false;
  // The cause of the last failed ping: logged when it changes, not on every probe of a load balancer.
  let unreachableCause: string | undefined;

  // Metrics name routes, traffic and the process's memory: not for the public internet by default.
  const metricsHidden = ctx.config.isProduction && !ctx.config.metricsToken;
  if (metricsHidden) {
    ctx.logger.warn('METRICS_TOKEN is not set: /metrics answers 404 in production until it is');
  }

  const notReady = (detail: string) =>
    appError('SERVICE_UNAVAILABLE', detail, { headers: { 'Retry-After': '5' } });

  return [
    defineRoute({
      method: 'get',
      path: '/health',
      tags,
      summary: 'Liveness: 200 while the process runs',
      description:
        'Never touches the database and is not rate limited, so an orchestrator may poll it freely; ' +
        'use `/ready` to know whether requests can be served.',
      auth: 'none',
      apiRateLimit: false,
      response: { status: 200, schema: Joi.object({ status: Joi.string().valid('ok').required() }) },
      handler: async () => ({ body: { status: 'ok' } }),
    }),
    defineRoute({
      method: 'get',
      path: '/ready',
      tags,
      summary: 'Readiness: 200 when the database answers and migrations are current',
      description:
        'Answers 503 while the database is unreachable, migrations are pending, or the process drains.',
      auth: 'none',
      apiRateLimit: false,
      response: { status: 200, schema: Joi.object({ status: Joi.string().valid('ready').required() }) },
      handler: async () => {
        if (ctx.lifecycle.draining) throw notReady('The server is shutting down');
        try {
          await ctx.db.ping();
        } catch (error) {
          const cause = errorCause(error);
          if (cause !== unreachableCause)
            ctx.logger.warn('not ready: database unreachable', { error: cause });
          unreachableCause = cause;
          throw notReady('The database is unreachable');
        }
        if (unreachableCause !== undefined) ctx.logger.info('database reachable again');
        unreachableCause = undefined;
        if (!migrationsCurrent) {
          const pending = await pendingMigrations(ctx.db).catch((error: Error) => [error.message]);
          if (pending.length > 0) throw notReady(`Migrations are not current: ${pending.join(', ')}`);
          migrationsCurrent = true;
        }
        return { body: { status: 'ready' } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/metrics',
      tags,
      summary: 'Prometheus metrics of this process',
      description:
        'Prometheus text format: `http_request_duration_seconds` (histogram by `method`, `route` template and ' +
        '`status`), the database pool gauges (`db_pool_connections_total`, `db_pool_connections_idle`, ' +
        '`db_pool_requests_waiting`) and the default Node.js process metrics, event-loop lag included. When ' +
        'the server has a `METRICS_TOKEN`, it needs `Authorization: Bearer <METRICS_TOKEN>` (else 401). In ' +
        'production (`NODE_ENV=production`) without `METRICS_TOKEN` it answers 404, like a path that does ' +
        'not exist (and the server logs a warning at start): metrics are never public by default.',
      auth: 'none',
      apiRateLimit: false,
      response: { status: 200, content: { 'text/plain': { type: 'string' } } },
      errors: ['UNAUTHENTICATED', 'NOT_FOUND'],
      handler: async ({ req, res }) => {
        if (metricsHidden) throw noRoute(req);
        const token = ctx.config.metricsToken;
        if (token) {
          const presented = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '')?.[1];
          if (!presented || !tokenMatches(presented, token)) {
            throw unauthenticated('/metrics needs "Authorization: Bearer <METRICS_TOKEN>"');
          }
        }
        const body = await ctx.metrics.registry.metrics();
        res.setHeader('Content-Type', ctx.metrics.registry.contentType);
        res.setHeader('Cache-Control', 'no-store');
        res.status(200).end(body);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/openapi.json',
      tags,
      summary: 'This OpenAPI 3.1 document',
      description:
        'Generated from the same route declarations that validate requests, so it cannot drift from the ' +
        'server. Public, cacheable for 60 s (`Cache-Control: public, max-age=60`).',
      auth: 'none',
      response: { status: 200, content: { 'application/json': { type: 'object' } } },
      handler: async ({ res }) => {
        res.setHeader('Cache-Control', 'public, max-age=60');
        return { body: openapi() };
      },
    }),
  ];
}
