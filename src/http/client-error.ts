import crypto from 'node:crypto';
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../lib/logger';
import { appError, PROBLEM_TYPE, problemBody, type AppError } from './errors';

/** What Node's HTTP parser (or its timeouts) refused, as the error the client is told. */
function classify(code: string | undefined): AppError {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return appError('HEADERS_TOO_LARGE', 'The request headers are too large');
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return appError('PAYLOAD_TOO_LARGE', 'The chunk extensions are too large');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return appError('REQUEST_TIMEOUT', 'The request did not arrive in time');
    default:
      return appError('MALFORMED_REQUEST', 'The request is not valid HTTP/1.1');
  }
}

/**
 * The server's `clientError` listener: what Node answers by itself to a request its parser refuses (a
 * malformed request line or header, Content-Length beside Transfer-Encoding, headers over the size limit)
 * or that timed out, answered as problem+json like every other error, then the connection is closed. As
 * Node does, nothing is written when the connection is gone or a response to it has already begun.
 */
export function clientErrorListener(
  logger: Logger,
): (error: Error & { code?: string }, socket: Duplex) => void {
  return (error, socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const refusal = classify(error.code);
    const { status, code } = refusal;
    const header = inFlight?.getHeader('x-request-id');
    const requestId = typeof header === 'string' ? header : crypto.randomUUID();
    logger.debug('refused by the HTTP parser', { requestId, status, code, parserCode: error.code });
    const body = JSON.stringify(problemBody(refusal, requestId));
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        `Content-Type: ${PROBLEM_TYPE}; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Request-Id: ${requestId}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
      () => socket.destroy(),
    );
  };
}
