/**
 * S3_PUBLIC_ENDPOINT: the API talks to S3 at one address (S3_ENDPOINT, `http://minio:9000` in docker compose)
 * while browsers reach the same service at another (`http://localhost:9000`). Here s3rver listens on
 * 127.0.0.1:<port> for the API, and a TCP proxy on another port stands for the address browsers use.
 */
import crypto from 'node:crypto';
import { makePng } from '../helpers/images';
import { useTestApp } from '../helpers/app';
import { createProject, createUser, createImage } from '../helpers/factories';
import { useS3rver } from '../helpers/s3rver';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy';

/** RFC 3986 encoding as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
const encode = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const sha256Hex = (text: string) => crypto.createHash('sha256').update(text).digest('hex');
const hmac = (key: crypto.BinaryLike, text: string) => crypto.createHmac('sha256', key).update(text).digest();

/**
 * Whether a presigned GET URL's signature is right for a request that reaches S3 with this Host header
 * (AWS Signature Version 4, query-string form, as S3 and MinIO check it; secret of useS3rver's credentials).
 */
function sigV4Valid(presigned: string, host: string, secret = 'S3RVER'): boolean {
  const url = new URL(presigned);
  const params = [...url.searchParams].filter(([name]) => name !== 'X-Amz-Signature');
  const query = params
    .map(([name, value]) => [encode(name), encode(value)])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const signedHeaders = url.searchParams.get('X-Amz-SignedHeaders');
  if (signedHeaders !== 'host') return false;
  const canonical = ['GET', url.pathname, query, `host:${host}`, '', 'host', 'UNSIGNED-PAYLOAD'].join('\n');
  const date = url.searchParams.get('X-Amz-Date')!;
  const [, day, region, service] = url.searchParams.get('X-Amz-Credential')!.split('/');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', date, scope, sha256Hex(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), service), 'aws4_request');
  return hmac(key, toSign).toString('hex') === url.searchParams.get('X-Amz-Signature');
}

const env: Record<string, string | undefined> = {};
const s3 = useS3rver(env, 'colorbook-public-endpoint-test');
let proxy: TcpProxy | undefined;
beforeAll(async () => {
  // After useS3rver's beforeAll (S3_ENDPOINT is set), before useTestApp's (which reads env).
  const internal = new URL(env.S3_ENDPOINT!);
  proxy = await startTcpProxy({ host: internal.hostname, port: Number(internal.port) });
  env.S3_PUBLIC_ENDPOINT = `http://localhost:${proxy.port}`;
});
const t = useTestApp({ env, validateResponses: true });

afterAll(async () => {
  await t.ctx?.store.close();
  await proxy?.close();
  await s3.stop();
});

describe('presigned URLs with S3_PUBLIC_ENDPOINT', () => {
  test('when an image is uploaded, then the API stores it through S3_ENDPOINT and its URLs are signed for the public endpoint and fetch the bytes there', async () => {
    const user = await createUser(t);
    const project = await createProject(t, user);
    const bytes = await makePng(40, 30);
    const image = await createImage(t, user, project.id, {}, { bytes });

    const publicEndpoint = new URL(env.S3_PUBLIC_ENDPOINT!);
    for (const url of [image.url, image.thumbnailUrl]) {
      const parsed = new URL(url);
      expect(parsed.host).toBe(publicEndpoint.host);
      expect(parsed.host).not.toBe(new URL(env.S3_ENDPOINT!).host);
      expect(parsed.pathname.startsWith('/colorbook-public-endpoint-test/images/')).toBe(true);
      expect(parsed.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    }

    // Fetched as a browser would, through the public address: the signature (over the Host header) holds.
    const res = await fetch(image.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);

    // The object really is in the bucket the API writes to through S3_ENDPOINT.
    expect(await t.ctx.store.exists(new URL(image.url).pathname.split('/').slice(2).join('/'))).toBe(true);
  });

  test('when the URL is checked as S3 checks it, then its SigV4 signature is valid for the public host and not for the internal one', async () => {
    const user = await createUser(t);
    const project = await createProject(t, user);
    const image = await createImage(t, user, project.id);
    // s3rver does not check SigV4 signatures; AWS and MinIO do, over the Host header among others.
    expect(sigV4Valid(image.url, new URL(env.S3_PUBLIC_ENDPOINT!).host)).toBe(true);
    expect(sigV4Valid(image.url, new URL(env.S3_ENDPOINT!).host)).toBe(false);
  });
});
