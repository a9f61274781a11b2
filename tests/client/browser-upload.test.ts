import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { useTestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { useChromium } from '../docs/chromium';
import { useLiveServer } from './live-server';

jest.setTimeout(90_000);

const t = useTestApp({ validateResponses: true });
const live = useLiveServer(t);
const chromium = useChromium();

/** client/src/upload.ts as a script that defines `exports.*` (it imports nothing). */
function uploadModuleScript(): string {
  const source = fs.readFileSync(path.join(__dirname, '..', '..', 'client', 'src', 'upload.ts'), 'utf8');
  return ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText;
}

describe('the client: uploads with progress in a browser (XMLHttpRequest transport)', () => {
  // TODO(phase 2): add the same upload to POST /api/images (201) once the images module lands.
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
});
