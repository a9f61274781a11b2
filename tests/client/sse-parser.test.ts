import { EventStreamParser, readEventStream, type ServerSentEvent } from '../../client/src/index';

function parse(pieces: string[]) {
  const events: ServerSentEvent[] = [];
  const retries: number[] = [];
  const comments: string[] = [];
  const parser = new EventStreamParser({
    onEvent: (event) => events.push(event),
    onRetry: (ms) => retries.push(ms),
    onComment: (text) => comments.push(text),
  });
  for (const piece of pieces) parser.push(piece);
  parser.end();
  return { events, retries, comments };
}

/** Every way of cutting `text` in two. */
const cutsOf = (text: string) =>
  Array.from({ length: text.length + 1 }, (_, i) => [text.slice(0, i), text.slice(i)]);

const STREAM =
  '\uFEFF: hello\r\nretry: 2500\r\nid: c1\r\nevent: change\r\ndata: {"a":1}\r\n\r\n' +
  'data: line one\ndata: line two\n\n' +
  'id: c2\revent: change\rdata:no space\r\r' +
  'data\n\n' +
  'event: lonely\n\n' +
  'id: bad\0id\ndata: x\n\n' +
  'retry: soon\nretry: 10\nunknown: field\ndata:  two spaces\n\n' +
  'data: never finished';

const EXPECTED = {
  events: [
    { event: 'change', data: '{"a":1}', id: 'c1' },
    { event: 'message', data: 'line one\nline two', id: 'c1' },
    { event: 'change', data: 'no space', id: 'c2' },
    { event: 'message', data: '', id: 'c2' },
    { event: 'message', data: 'x', id: 'c2' },
    { event: 'message', data: ' two spaces', id: 'c2' },
  ],
  retries: [2500, 10],
  comments: ['hello'],
};

describe('the SSE parser', () => {
  test('when a stream comes in one piece, then it follows the WHATWG rules (line ends, ids, retry, comments, empty events)', () => {
    expect(parse([STREAM])).toEqual(EXPECTED);
  });

  test('when the stream is cut anywhere (a CRLF, a field, a BOM), then the events are the same', () => {
    for (const cut of cutsOf(STREAM)) expect(parse(cut)).toEqual(EXPECTED);
  });

  test('when it arrives one character at a time, then the events are the same', () => {
    expect(parse([...STREAM])).toEqual(EXPECTED);
  });

  test('when a body stream splits a multi-byte character, then readEventStream decodes it whole and answers the last id', async () => {
    const bytes = new TextEncoder().encode('id: ü1\ndata: {"title":"Märchen 🐉"}\n\n');
    const events: ServerSentEvent[] = [];
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const byte of bytes) controller.enqueue(Uint8Array.of(byte));
        controller.close();
      },
    });
    const last = await readEventStream(body, { onEvent: (e) => events.push(e) }, 'before');
    expect(events).toEqual([{ event: 'message', data: '{"title":"Märchen 🐉"}', id: 'ü1' }]);
    expect(last).toBe('ü1');
  });

  test('when no id comes on the stream, then events carry the id it was resumed from', async () => {
    const body = new Response('data: x\n\n').body!;
    const events: ServerSentEvent[] = [];
    expect(await readEventStream(body, { onEvent: (e) => events.push(e) }, 'resumed')).toBe('resumed');
    expect(events).toEqual([{ event: 'message', data: 'x', id: 'resumed' }]);
  });
});
