/** One dispatched Server-Sent Event (the WHATWG "event stream interpretation"). */
export interface ServerSentEvent {
  /** `event:`, or `message` when the event named none. */
  event: string;
  /** The `data:` lines joined with `\n`. */
  data: string;
  /** The last `id:` seen on the stream so far (it carries over to later events, as in EventSource). */
  id: string;
}

export interface EventStreamHandlers {
  onEvent: (event: ServerSentEvent) => void;
  /** A `retry:` field: the reconnection delay the server asks for, in milliseconds. */
  onRetry?: (milliseconds: number) => void;
  /** A comment line (`: …`): the server's heartbeat. */
  onComment?: (text: string) => void;
}

/**
 * An incremental `text/event-stream` parser: feed it text as it arrives, in pieces cut anywhere (a line, a
 * CRLF or a multi-byte character may span two pieces: decode with `TextDecoder(…, { stream: true })` first,
 * or use `readEventStream`). Follows the WHATWG rules: lines end in CRLF, LF or CR; a blank line dispatches
 * the event; an event without data is not dispatched; `id` containing NUL is ignored; `retry` must be all
 * digits; one leading space after the colon is dropped; unknown fields are ignored.
 */
export class EventStreamParser {
  private buffer = '';
  private started = false;
  /** The last piece ended in CR: a LF at the start of the next one belongs to that line end. */
  private pendingCr = false;
  private data: string[] = [];
  private eventName = '';
  private hasData = false;
  lastEventId = '';

  constructor(private readonly handlers: EventStreamHandlers) {}

  push(text: string): void {
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.pendingCr && text.startsWith('\n')) text = text.slice(1);
    this.pendingCr = false;
    this.buffer += text;
    let start = 0;
    for (;;) {
      const match = /\r\n|\r|\n/g;
      match.lastIndex = start;
      const found = match.exec(this.buffer);
      if (!found) break;
      // A CR at the very end may be the first half of a CRLF: take the line, remember to drop the LF.
      if (found[0] === '\r' && found.index === this.buffer.length - 1) this.pendingCr = true;
      this.line(this.buffer.slice(start, found.index));
      start = found.index + found[0].length;
    }
    this.buffer = this.buffer.slice(start);
  }

  /** The stream ended: an incomplete event (no blank line after it) is dropped, as the standard says. */
  end(): void {
    this.buffer = '';
    this.data = [];
    this.hasData = false;
    this.eventName = '';
  }

  private line(line: string): void {
    if (line === '') {
      this.dispatch();
      return;
    }
    if (line.startsWith(':')) {
      this.handlers.onComment?.(line.slice(1).replace(/^ /, ''));
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    switch (field) {
      case 'event':
        this.eventName = value;
        break;
      case 'data':
        this.data.push(value);
        this.hasData = true;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastEventId = value;
        break;
      case 'retry':
        if (/^[0-9]+$/.test(value)) this.handlers.onRetry?.(Number(value));
        break;
      default:
        break;
    }
  }

  private dispatch(): void {
    const name = this.eventName || 'message';
    const { hasData, data } = this;
    this.data = [];
    this.hasData = false;
    this.eventName = '';
    if (!hasData) return;
    this.handlers.onEvent({ event: name, data: data.join('\n'), id: this.lastEventId });
  }
}

/**
 * Reads a `text/event-stream` body (fetch's `response.body`, in browsers and Node 18+) to its end, calling
 * the handlers as events complete. Resolves when the server ends the stream; rejects when the connection
 * fails or `signal` aborts it. Answers the last event id seen.
 */
export async function readEventStream(
  body: ReadableStream<Uint8Array>,
  handlers: EventStreamHandlers,
  lastEventId = '',
): Promise<string> {
  const parser = new EventStreamParser(handlers);
  parser.lastEventId = lastEventId;
  const decoder = new TextDecoder('utf-8');
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.push(decoder.decode(value, { stream: true }));
    }
    parser.push(decoder.decode());
    parser.end();
    return parser.lastEventId;
  } finally {
    reader.releaseLock();
  }
}
