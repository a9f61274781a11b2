import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One block of a `text/event-stream`: an event, a comment, or a `retry:`. */
export interface SseBlock {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
  retry?: number;
}

export interface SseStream {
  status: number;
  headers: Headers;
  /** The problem body when the answer is not a stream. */
  problem?: Record<string, any>;
  /** Every block read so far. */
  blocks: SseBlock[];
  /** The change events read so far, parsed. */
  changes(): Array<{ id: string | undefined; change: Record<string, any> }>;
  /** Waits until a block matches (already read or arriving), at most `ms`. */
  next(match: (block: SseBlock) => boolean, ms?: number): Promise<SseBlock>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

/** Parses the blocks of an event stream (WHATWG "server-sent events": fields, comments, blank lines). */
function parseBlock(text: string): SseBlock {
  const block: SseBlock = {};
  for (const line of text.split('\n')) {
    if (line.startsWith(':')) {
      block.comment = line.slice(1).trim();
      continue;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') block.id = value;
    else if (field === 'event') block.event = value;
    else if (field === 'data') block.data = block.data === undefined ? value : `${block.data}\n${value}`;
    else if (field === 'retry') block.retry = Number(value);
  }
  return block;
}

/** Opens an event stream with node's fetch and reads it as it comes (real HTTP). */
export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const abort = new AbortController();
  const res = await fetch(url, { headers, signal: abort.signal });
  const blocks: SseBlock[] = [];
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const waiter of waiters) waiter();
  };
  let problem: Record<string, any> | undefined;
  let ended: Promise<void> = Promise.resolve();
  let finished = false;
  if (res.headers.get('content-type')?.startsWith('text/event-stream')) {
    ended = (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) !== -1) {
            blocks.push(parseBlock(buffer.slice(0, end)));
            buffer = buffer.slice(end + 2);
          }
          notify();
        }
      } catch {
        // Aborted by close().
      } finally {
        finished = true;
        notify();
      }
    })();
  } else {
    problem = (await res.json().catch(() => undefined)) as Record<string, any> | undefined;
    finished = true;
  }
  return {
    status: res.status,
    headers: res.headers,
    problem,
    blocks,
    changes: () =>
      blocks
        .filter((block) => block.event === 'change')
        .map((block) => ({ id: block.id, change: JSON.parse(block.data ?? 'null') as Record<string, any> })),
    next(match, ms = 5000) {
      return new Promise<SseBlock>((resolve, reject) => {
        const check = () => {
          const found = blocks.find(match);
          if (found) {
            cleanup();
            resolve(found);
          } else if (finished) {
            cleanup();
            reject(new Error(`the stream ended without the block; read: ${JSON.stringify(blocks)}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no such block within ${ms} ms; read: ${JSON.stringify(blocks)}`));
        }, ms);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    ended,
    close: () => abort.abort(),
  };
}

/** Serves a request listener on a loopback port (the stream needs a real socket). */
export async function listen(
  handler: http.RequestListener,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
