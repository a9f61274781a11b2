import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { useTestApp } from '../helpers/app';
import { createProject, createUser } from '../helpers/factories';
import { makePng } from '../helpers/images';
import { describeWithChromium, useChromium } from '../docs/chromium';
import { useLiveServer, usePortOfItsOwn } from './live-server';

jest.setTimeout(90_000);

// The live server listens on the app's own PORT, where the image URLs it hands out (PUBLIC_URL) point.
const env: Record<string, string | undefined> = {};
usePortOfItsOwn(env);
const t = useTestApp({ env, validateResponses: true });
const live = useLiveServer(t, { onConfiguredPort: true });
const chromium = useChromium();

/** client/src/upload.ts as a script that defines `exports.*` (it imports nothing). */
function uploadModuleScript(): string {
  const source = fs.readFileSync(path.join(__dirname, '..', '..', 'client', 'src', 'upload.ts'), 'utf8');
  return ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText;
}

describeWithChromium('the client: uploads with progress in a browser (XMLHttpRequest transport)', () => {
  test('when Chromium uploads a file with the default transport, then progress reaches the total and the answer comes back', async () => {
    const user = await createUser(t);
    const page = await chromium.browser.newPage();
    try {
      // Any page of the API's origin: the upload is same-origin, as from the SPA behind the same host.
      await page.goto(`${live.baseUrl}/health`);
      const script = `(async () => {
        const exports = {};
        ${uploadModuleScript()}
        const transport = exports.defaultTransport();
        const file = new Blob([new Uint8Array(3 * 1024 * 1024).fill(7)]);
        const { body, contentType } = await exports.encodeMultipart({ file, filename: 'big.bin', fields: { title: 'x' } });
        const events = [];
        const response = await transport({
          url: '/api/projects',
          method: 'POST',
          headers: { 'Content-Type': contentType, Authorization: ${JSON.stringify(`Bearer ${user.accessToken}`)} },
          body,
          onProgress: (p) => events.push(p),
        });
        return {
          usedXhr: typeof XMLHttpRequest === 'function',
          status: response.status,
          type: response.headers.get('content-type'),
          body: JSON.parse(response.text),
          events,
        };
      })()`;
      const result = (await page.evaluate(script)) as {
        usedXhr: boolean;
        status: number;
        type: string;
        body: { code: string };
        events: { loaded: number; total: number }[];
      };

      expect(result.usedXhr).toBe(true);
      expect(result.status).toBe(415);
      expect(result.type).toMatch(/^application\/problem\+json/);
      expect(result.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      const total = result.events[0].total;
      expect(total).toBeGreaterThan(3 * 1024 * 1024);
      expect(result.events[0].loaded).toBe(0);
      expect(result.events.at(-1)).toEqual({ loaded: total, total });
      const loaded = result.events.map((e) => e.loaded);
      expect([...loaded].sort((a, b) => a - b)).toEqual(loaded);
    } finally {
      await page.close();
    }
  });
  test('when Chromium uploads a PNG to POST /api/images with the default transport, then progress reaches the total, the image is stored and its signed URL loads in an <img>', async () => {
    const user = await createUser(t);
    const project = await createProject(t, user);
    // About 1.4 MB of noise: enough for the browser to report progress more than once.
    const png = await makePng(700, 700, { noise: true });
    const page = await chromium.browser.newPage();
    try {
      await page.goto(`${live.baseUrl}/health`);
      const script = `(async () => {
        const exports = {};
        ${uploadModuleScript()}
        const bytes = Uint8Array.from(atob(${JSON.stringify(png.toString('base64'))}), (c) => c.charCodeAt(0));
        const file = new File([bytes], 'page-1.png', { type: 'image/png' });
        const { body, contentType } = await exports.encodeMultipart({
          file,
          fields: { projectId: ${JSON.stringify(project.id)}, title: 'Page 1', metadata: { from: 'chromium' } },
        });
        const events = [];
        const response = await exports.defaultTransport()({
          url: '/api/images',
          method: 'POST',
          headers: {
            'Content-Type': contentType,
            'Idempotency-Key': crypto.randomUUID(),
            Authorization: ${JSON.stringify(`Bearer ${user.accessToken}`)},
          },
          body,
          onProgress: (p) => events.push(p),
        });
        const image = JSON.parse(response.text);
        // The signed URL is ready for <img src> as it is: absolute, no token.
        const img = new Image();
        const loaded = await new Promise((resolve) => {
          img.onload = () => resolve(true);
          img.onerror = () => resolve(false);
          img.src = image.thumbnailUrl;
        });
        return {
          status: response.status,
          location: response.headers.get('location'),
          image,
          events,
          thumbnail: { loaded, width: img.naturalWidth, height: img.naturalHeight },
        };
      })()`;
      const result = (await page.evaluate(script)) as {
        status: number;
        location: string | null;
        image: { id: string; width: number; height: number; sizeBytes: number; metadata: unknown };
        events: { loaded: number; total: number }[];
        thumbnail: { loaded: boolean; width: number; height: number };
      };

      expect(result.status).toBe(201);
      expect(result.location).toBe(`/api/images/${result.image.id}`);
      expect(result.image).toMatchObject({
        width: 700,
        height: 700,
        sizeBytes: png.length,
        metadata: { from: 'chromium' },
      });
      const total = result.events[0].total;
      expect(total).toBeGreaterThan(png.length);
      expect(result.events[0].loaded).toBe(0);
      expect(result.events.length).toBeGreaterThan(2);
      expect(result.events.at(-1)).toEqual({ loaded: total, total });
      const loaded = result.events.map((e) => e.loaded);
      expect([...loaded].sort((a, b) => a - b)).toEqual(loaded);
      expect(result.thumbnail).toEqual({ loaded: true, width: 512, height: 512 });

      const stored = await t.http().get(`/api/images/${result.image.id}`).set(user.auth);
      expect(stored.status).toBe(200);
      expect(stored.body.originalFilename).toBe('page-1.png');
    } finally {
      await page.close();
    }
  });
});
