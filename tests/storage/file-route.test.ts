import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileKey } from '../../src/storage/file-store';
import { urlSignerFromConfig } from '../../src/storage/signed-urls';
import { useTestApp } from '../helpers/app';
import { makePng, makeWebp } from '../helpers/images';

const t = useTestApp({ validateResponses: true });

async function storedPng(): Promise<{ key: string; bytes: Buffer }> {
  const key = fileKey('images', crypto.randomUUID(), 'image/png');
  const bytes = await makePng(32, 24, { noise: true });
  await t.ctx.store.put(key, { buffer: bytes }, { contentType: 'image/png' });
  return { key, bytes };
}

const split = (url: string) => {
  const parsed = new URL(url, 'http://api.test');
  return { exp: parsed.searchParams.get('exp')!, sig: parsed.searchParams.get('sig')! };
};

function expectForbidden(res: { status: number; headers: Record<string, string>; body: any }) {
  expect(res.status).toBe(403);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status: 403, code: 'FORBIDDEN' });
}

describe('GET /api/files/*key', () => {
  test('when the signed URL is valid, then it streams the bytes with the stored type and safe headers', async () => {
    const { key, bytes } = await storedPng();
    const url = await t.ctx.store.signedUrl(key);
    expect(url).not.toContain(t.dataDir);

    const res = await t
      .http()
      .get(url)
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    expect((res.body as Buffer).equals(bytes)).toBe(true);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['content-length']).toBe(String(bytes.length));
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-disposition']).toBe('inline');
    expect(res.headers['content-security-policy']).toBe("default-src 'none'");
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    const maxAge = Number(/^private, max-age=(\d+)$/.exec(res.headers['cache-control'])?.[1]);
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(t.config.storage.signedUrlTtlS);
  });

  test('when the URL is built from the document (key percent-encoded into {key}), then it fetches the file too', async () => {
    const { key, bytes } = await storedPng();
    const { exp, sig } = split(await t.ctx.store.signedUrl(key));
    const document = t.app.locals.openapi() as Record<string, any>;
    const template = Object.keys(document.paths).find((p) => p.startsWith('/api/files/'))!;
    const operation = document.paths[template].get;
    expect(operation.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual([
      'path:key',
      'query:exp',
      'query:sig',
    ]);
    // What an OpenAPI client does with a path parameter (style simple): `/` becomes `%2F`.
    const path = template.replace('{key}', encodeURIComponent(key));
    expect(path).toContain('%2F');
    const res = await t
      .http()
      .get(`${path}?exp=${exp}&sig=${encodeURIComponent(sig)}`)
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    expect((res.body as Buffer).equals(bytes)).toBe(true);
  });

  test('when a WebP thumbnail is fetched with HEAD, then the headers come without a body', async () => {
    const key = fileKey('images', crypto.randomUUID(), 'image/webp');
    const bytes = await makeWebp(16, 16);
    await t.ctx.store.put(key, { buffer: bytes }, { contentType: 'image/webp' });
    const res = await t.http().head(await t.ctx.store.signedUrl(key));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/webp');
    expect(res.headers['content-length']).toBe(String(bytes.length));
    expect(res.text ?? '').toBe('');
  });

  test('when the URL is signed for another key, then 403 FORBIDDEN', async () => {
    const signed = await storedPng();
    const other = await storedPng();
    const { exp, sig } = split(await t.ctx.store.signedUrl(signed.key));
    expectForbidden(await t.http().get(`/api/files/${other.key}?exp=${exp}&sig=${sig}`));
  });

  test('when the signature or the expiry is altered, then 403 FORBIDDEN', async () => {
    const { key } = await storedPng();
    const { exp, sig } = split(await t.ctx.store.signedUrl(key));
    const flipped = (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);
    expectForbidden(await t.http().get(`/api/files/${key}?exp=${exp}&sig=${flipped}`));
    expectForbidden(await t.http().get(`/api/files/${key}?exp=${Number(exp) + 60}&sig=${sig}`));
    expectForbidden(await t.http().get(`/api/files/${key}?exp=${exp}&sig=not-base64!`));
  });

  test('when the URL has expired, then 403 FORBIDDEN saying so', async () => {
    const { key } = await storedPng();
    // Signed an hour ago with the server's own key: authentic, and past its TTL.
    const past = urlSignerFromConfig(t.config, { now: () => Date.now() - 3600_000 });
    const res = await t.http().get(past.sign(key).url);
    expectForbidden(res);
    expect(res.body.detail).toMatch(/expired/);
  });

  test('when the signature is valid but the file is gone, then 404 NOT_FOUND', async () => {
    const { key } = await storedPng();
    const url = await t.ctx.store.signedUrl(key);
    await t.ctx.store.delete(key);
    const res = await t.http().get(url);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('NOT_FOUND');
  });

  test('when exp or sig is missing, then 400 VALIDATION_ERROR', async () => {
    const { key } = await storedPng();
    const res = await t.http().get(`/api/files/${key}?exp=1`);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_ERROR');
  });

  test('when the key leaves the store (dot segments, encoded slashes, the temp folder), then 400 and nothing is read', async () => {
    const secretFile = path.join(t.dataDir, 'dev-secrets-probe.txt');
    fs.writeFileSync(secretFile, 'not for you');
    for (const key of ['..%2F..%2Fdev-secrets-probe.txt', '.tmp/x.part', '%2E%2E/dev-secrets-probe.txt']) {
      const res = await t.http().get(`/api/files/${key}?exp=9999999999&sig=${'A'.repeat(43)}`);
      expect({ key, status: res.status }).toEqual({ key, status: 400 });
      expect(res.text).not.toContain('not for you');
    }
  });

  test('when another method is used, then 405 with Allow', async () => {
    const { key } = await storedPng();
    const res = await t.http().delete(`/api/files/${key}`);
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
  });

  test('when the OpenAPI document is read, then the route is there as /api/files/{key}', () => {
    const document = t.app.locals.openapi() as Record<string, any>;
    const operation = document.paths['/api/files/{key}']?.get;
    expect(operation).toMatchObject({ operationId: 'getFile', security: [] });
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['200', '400', '403', '404']));
  });
});
