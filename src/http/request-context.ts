import crypto from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { logEntry, type Logger } from '../lib/logger';
import { requestContext, type RequestContext } from '../lib/async-context';

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives the request its id (the client's X-Request-Id when sane, else a new UUID), echoes it, runs the rest
 * of the request inside its logging context, and writes one log line when the response is done. With
 * `onFinished`, also hands each finished request (not an aborted one) and its duration to it: the metrics,
 * timed by the same clock reading and the same listeners instead of their own.
 */
export function requestContextMiddleware(
  logger: Logger,
  onFinished?: (req: Request, res: Response, seconds: number) => void,
): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    const requestId = incoming && SANE_REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
    const context: RequestContext = { requestId };
    res.locals.requestId = requestId;
    res.locals.requestContext = context;
    res.setHeader('X-Request-Id', requestId);

    const started = process.hrtime.bigint();
    let logged = false;
    const log = () => {
      if (logged) return;
      logged = true;
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      const aborted = !res.writableFinished;
      if (!aborted) onFinished?.(req, res, durationMs / 1000);
      const level = res.statusCode >= 500 ? 'warn' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      logEntry(logger, level, 'request', {
        requestId,
        userId: context.userId,
        method: req.method,
        route: res.locals.routePath ?? null,
        // The path without its query string: signed file URLs carry their signature there.
        path: req.path,
        status: res.statusCode,
        durationMs: Math.round(durationMs * 10) / 10,
        ...(aborted ? { aborted: true } : {}),
      });
    };
    res.on('finish', log);
    res.on('close', log);
    requestContext.run(context, next);
  };
}
