import http, { type IncomingHttpHeaders, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import express from 'express';
import { createApp } from '../../src/app';
import { COMPRESSION_THRESHOLD_BYTES, responseCompression } from '../../src/http/compression';
import { testConfig, useTestApp } from '../helpers/app';
import { createImage, createProject, createUser } from '../helpers/factories';

/**
 * Response compression (src/http/compression.ts), seen on the wire: raw bytes over a real socket, since
 * supertest and fetch decompress what they receive.
 */

const t = useTestApp({ validateResponses: true });

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The bytes as sent, still encoded. */
  body: Buffer;
}

/** One GET against the listener on a fresh loopback port, with exactly these request headers. */
async function rawGet(
  handler: RequestListener,
  path: string,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await new Promise<RawResponse>((resolve, reject) => {
      const { port } = server.address() as AddressInfo;
      http
        .get({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
          );
          res.on('error', reject);
        })
        .on('error', reject);
    });
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

const decode = (res: RawResponse): Buffer => {
  switch (res.headers['content-encoding']) {
    case 'gzip':
      return zlib.gunzipSync(res.body);
    case 'br':
      return zlib.brotliDecompressSync(res.body);
    default:
      return res.body;
  }
};

describe('response compression', () => {
  test('when /api/openapi.json is asked for with gzip or br, then it comes compressed that way and decodes to the same document', async () => {
    const plain = await rawGet(t.handler, '/api/openapi.json');
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(Number(plain.headers['content-length'])).toBe(plain.body.length);
    expect(plain.body.length).toBeGreaterThan(50 * 1024);

    for (const [accept, expected] of [
      ['gzip', 'gzip'],
      ['br', 'br'],
      // Both accepted: br, the smaller.
      ['gzip, deflate, br', 'br'],
    ] as const) {
      const res = await rawGet(t.handler, '/api/openapi.json', { 'Accept-Encoding': accept });
      expect({ accept, status: res.status, encoding: res.headers['content-encoding'] }).toEqual({
        accept,
        status: 200,
        encoding: expected,
      });
      expect(res.headers.vary).toMatch(/\bAccept-Encoding\b/i);
      // The length of the encoded body is not known up front: chunked, no Content-Length.
      expect(res.headers['content-length']).toBeUndefined();
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body.length).toBeLessThan(plain.body.length / 4);
      expect(JSON.parse(decode(res).toString('utf8'))).toEqual(JSON.parse(plain.body.toString('utf8')));
    }
  });

  test('when a long list is asked for with gzip, then it is compressed; a resource keeps its version ETag', async () => {
    const user = await createUser(t);
    const description = 'A long description of the book. '.repeat(60);
    const projects = [];
    for (let i = 0; i < 5; i++)
      projects.push(await createProject(t, user, { title: `Book ${i}`, description }));
    const auth = { Authorization: user.auth.Authorization };

    const list = await rawGet(t.handler, '/api/projects?limit=50', { ...auth, 'Accept-Encoding': 'gzip' });
    expect(list.status).toBe(200);
    expect(list.headers['content-encoding']).toBe('gzip');
    const body = JSON.parse(decode(list).toString('utf8')) as { data: unknown[] };
    expect(body.data).toHaveLength(5);

    // The ETag is the resource version (If-Match compares it), the same whatever the encoding.
    const one = `/api/projects/${projects[0].id}`;
    const compressed = await rawGet(t.handler, one, { ...auth, 'Accept-Encoding': 'br' });
    const identity = await rawGet(t.handler, one, auth);
    expect(compressed.headers['content-encoding']).toBe('br');
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(compressed.headers.etag).toBeDefined();
    expect(compressed.headers.etag).toBe(identity.headers.etag);
    expect(JSON.parse(decode(compressed).toString('utf8'))).toEqual(
      JSON.parse(identity.body.toString('utf8')),
    );
  });

  test('when an answer is under 1 KB, then it goes uncompressed with its Content-Length, even if gzip is accepted', async () => {
    const res = await rawGet(t.handler, '/health', { 'Accept-Encoding': 'gzip, br' });
    expect(res.status).toBe(200);
    expect(res.body.length).toBeLessThan(COMPRESSION_THRESHOLD_BYTES);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
    const problem = await rawGet(t.handler, '/api/nothing-here', { 'Accept-Encoding': 'gzip' });
    expect(problem.status).toBe(404);
    expect(problem.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(problem.body.toString('utf8'))).toMatchObject({ status: 404 });
  });

  test('when a stored image is fetched with gzip accepted, then its bytes go as they are (already compressed)', async () => {
    const user = await createUser(t);
    const project = await createProject(t, user);
    const image = await createImage(t, user, project.id);
    const url = new URL(image.url);
    const res = await rawGet(t.handler, `${url.pathname}${url.search}`, { 'Accept-Encoding': 'gzip, br' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.body.length).toBeGreaterThan(0);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
  });

  test('when COMPRESSION=off (a proxy in front compresses), then nothing is compressed', async () => {
    const app = createApp({
      config: testConfig({ COMPRESSION: 'off' }, t.dataDir),
      db: t.db,
      logger: t.ctx.logger,
    });
    const res = await rawGet(app, '/api/openapi.json', { 'Accept-Encoding': 'gzip, br' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
    expect(res.body.length).toBeGreaterThan(50 * 1024);
  });
});

describe('the compression middleware on other kinds of answers', () => {
  /** An app with only the middleware, as src/app.ts mounts it, and routes of the kinds the API does not have yet. */
  const app = express();
  app.use(responseCompression());
  app.get('/events', (_req, res) => {
    res.setHeader('Content-Type', 'text/event-stream');
    res.setHeader('Cache-Control', 'no-cache');
    // More than the threshold at once, then silence: a buffering compressor would hold it all back.
    res.write(`data: ${'x'.repeat(4 * COMPRESSION_THRESHOLD_BYTES)}\n\n`);
  });
  app.get('/book.pdf', (_req, res) => {
    res.setHeader('Content-Type', 'application/pdf');
    res.end(Buffer.alloc(8 * COMPRESSION_THRESHOLD_BYTES, 'x'));
  });

  test('when a server-sent event stream is open, then its events arrive at once, uncompressed, while it stays open', async () => {
    const server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const first = await new Promise<{ encoding?: string; text: string }>((resolve, reject) => {
        const req = http.get(
          {
            host: '127.0.0.1',
            port,
            path: '/events',
            headers: { 'Accept-Encoding': 'gzip, br' },
            agent: false,
          },
          (res) => {
            res.once('data', (chunk: Buffer) => {
              resolve({ encoding: res.headers['content-encoding'], text: chunk.toString('utf8') });
              req.destroy();
            });
          },
        );
        req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
      });
      expect(first.encoding).toBeUndefined();
      expect(first.text.startsWith('data: xxx')).toBe(true);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('when a PDF is sent with gzip accepted, then it goes as it is', async () => {
    const res = await rawGet(app, '/book.pdf', { 'Accept-Encoding': 'gzip, br' });
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.body.length).toBe(8 * COMPRESSION_THRESHOLD_BYTES);
  });
});
