import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { useTestApp } from '../helpers/app';
import { createImage, createProject, createUser } from '../helpers/factories';
import { makePng } from '../helpers/images';
import { freePort } from '../helpers/spawn-server';
import { describeWithChromium, useChromium } from '../docs/chromium';

/**
 * An SPA in development: the page comes from its own dev server (another origin, like Vite's
 * http://localhost:5173) and shows the image the API answered with as `<img src=url>`, unchanged. With the
 * local store that only works because file URLs are absolute on PUBLIC_URL; a relative `/api/files/…` would
 * be looked up on the SPA's own server.
 */

jest.setTimeout(90_000);

// The API's port is chosen first so that PUBLIC_URL's default (http://localhost:PORT) is where it listens.
const env: Record<string, string | undefined> = {};
beforeAll(async () => {
  env.PORT = String(await freePort());
});
const t = useTestApp({ env, validateResponses: true });
const chromium = useChromium();

function listen(server: http.Server, port: number): Promise<number> {
  return new Promise((resolve) =>
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

async function close(server: http.Server) {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

describeWithChromium('file URLs in a page of another origin', () => {
  test("when a page served by another server puts an image's url and thumbnailUrl in <img src>, then both load", async () => {
    const api = http.createServer(t.handler);
    await listen(api, t.config.port);
    // The SPA's dev server: one HTML page, on another port (so another origin).
    const spa = http.createServer((_req, res) => {
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.end('<!doctype html><title>SPA</title><main id="app"></main>');
    });
    const spaPort = await listen(spa, 0);
    const page = await chromium.browser.newPage();
    try {
      const user = await createUser(t);
      const project = await createProject(t, user);
      const image = await createImage(t, user, project.id, {}, { bytes: await makePng(64, 48) });
      expect(image.url.startsWith(`http://localhost:${t.config.port}/api/files/`)).toBe(true);
      expect(image.thumbnailUrl.startsWith(`http://localhost:${t.config.port}/api/files/`)).toBe(true);

      await page.goto(`http://127.0.0.1:${spaPort}/`);
      // Run in the page (a string: this file is compiled without the DOM's types).
      const script = `Promise.all(${JSON.stringify([image.url, image.thumbnailUrl])}.map((src) =>
        new Promise((resolve) => {
          const img = document.createElement('img');
          const done = () => resolve({ width: img.naturalWidth, height: img.naturalHeight });
          img.onload = done;
          img.onerror = done;
          img.src = src;
          document.getElementById('app').append(img);
        })))`;
      const sizes = (await page.evaluate(script)) as { width: number; height: number }[];
      expect(sizes[0]).toEqual({ width: 64, height: 48 });
      expect(sizes[1].width).toBeGreaterThan(0);
    } finally {
      await page.close();
      await close(spa);
      await close(api);
    }
  });
});
