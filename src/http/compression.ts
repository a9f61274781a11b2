import compression from 'compression';
import type { RequestHandler } from 'express';

/**
 * Never compressed, whatever `compressible` says: server-sent events (a compressor buffers them, so events
 * would arrive late or never), and formats that are compressed already (images other than SVG, PDF, archives).
 */
const NOT_COMPRESSED = /^\s*(?:text\/event-stream|image\/(?!svg\+xml)|application\/(?:pdf|zip|gzip|x-gzip))/i;

/** Answers of at least this many bytes are compressed; below it the framing costs more than it saves. */
export const COMPRESSION_THRESHOLD_BYTES = 1024;

/**
 * gzip or br (the client's preference; br wins a tie) for compressible answers of 1 KB or more, e.g.
 * /api/openapi.json (~150 KB) and long lists. Adds `Vary: Accept-Encoding`; a compressed answer has no
 * Content-Length (it is chunked). ETags are left as they are: they are resource versions for If-Match, not
 * hashes of the bytes, so they do not change with the encoding.
 */
export function responseCompression(): RequestHandler {
  const compress = compression({
    threshold: COMPRESSION_THRESHOLD_BYTES,
    filter: (req, res) =>
      !NOT_COMPRESSED.test(String(res.getHeader('Content-Type') ?? '')) && compression.filter(req, res),
  });
  return (req, res, next) => {
    // No Accept-Encoding (load generators, most server-to-server callers): nothing to negotiate, so the
    // response is not wrapped at all and that path costs nothing.
    if (!req.headers['accept-encoding']) return next();
    compress(req, res, next);
  };
}
