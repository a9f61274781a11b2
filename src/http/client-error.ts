import crypto from 'node:crypto';
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../lib/logger';

/** What Node's HTTP parser (or its timeouts) refused, as the status and code the client is told. */
function classify(code: string | undefined): { status: number; code: string; detail: string } {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, code: 'HEADERS_TOO_LARGE', detail: 'The request headers are too large' };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, code: 'PAYLOAD_TOO_LARGE', detail: 'The chunk extensions are too large' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code: 'REQUEST_TIMEOUT', detail: 'The request did not arrive in time' };
    default:
      return { status: 400, code: 'MALFORMED_REQUEST', detail: 'The request is not valid HTTP/1.1' };
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
    const { status, code, detail } = classify(error.code);
    const header = inFlight?.getHeader('x-request-id');
    const requestId = typeof header === 'string' ? header : crypto.randomUUID();
    logger.debug('refused by the HTTP parser', { requestId, status, code, parserCode: error.code });
    const body = JSON.stringify({
      type: 'about:blank',
      title: STATUS_CODES[status],
      status,
      code,
      detail,
      requestId,
    });
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        'Content-Type: application/problem+json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Request-Id: ${requestId}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
      () => socket.destroy(),
    );
  };
}
