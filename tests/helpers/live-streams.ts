import type { IncomingMessage } from 'node:http';
import type { Test } from 'supertest';
import type { RouteDef } from '../../src/http/route';

/**
 * Routes whose answer is a stream that stays open (server-sent events, GET /api/sync/stream). Tests that walk
 * every route wrap their request in `hangUpOnLiveStreams`: a request that opened such a stream reads its
 * status and headers, then hangs up; a problem answer is read whole as usual.
 */
export const LIVE_STREAMS = new Set(['get /api/sync/stream']);

export function hangUpOnLiveStreams(route: RouteDef, req: Test): Test {
  if (!LIVE_STREAMS.has(`${route.method} ${route.path}`)) return req;
  return req.buffer(true).parse((response, done) => {
    // In node, superagent hands its parsers the raw message.
    const res = response as unknown as IncomingMessage;
    if (String(res.headers['content-type']).startsWith('text/event-stream')) {
      done(null, {});
      res.destroy();
      return;
    }
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => (text += chunk));
    res.on('end', () => {
      try {
        done(null, text ? JSON.parse(text) : {});
      } catch {
        done(null, text);
      }
    });
  });
}
