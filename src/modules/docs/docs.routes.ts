import fs from 'node:fs';
import path from 'node:path';
import type { Response } from 'express';
import Joi from 'joi';
import type { RouteModule } from '../../context';
import { notFound } from '../../http/errors';
import { defineRoute } from '../../http/route';
import { projectRoot } from '../../lib/paths';

const tags = ['Operations'];

/** Our own page and initializer; read from the source tree so `dist/` builds find them too. */
const PUBLIC_DIR = path.join(projectRoot, 'src', 'modules', 'docs', 'public');
const SWAGGER_UI_DIR = path.dirname(require.resolve('swagger-ui-dist/package.json'));

/**
 * The only files the docs page serves: an allow-list, so no path from the URL ever reaches the file
 * system and nothing else in swagger-ui-dist (its demo index.html, the Petstore initializer) is exposed.
 */
const ASSETS: Record<string, { dir: string; type: string }> = {
  'docs-init.js': { dir: PUBLIC_DIR, type: 'text/javascript; charset=utf-8' },
  'swagger-ui-bundle.js': { dir: SWAGGER_UI_DIR, type: 'text/javascript; charset=utf-8' },
  'swagger-ui-bundle.js.map': { dir: SWAGGER_UI_DIR, type: 'application/json' },
  'swagger-ui.css': { dir: SWAGGER_UI_DIR, type: 'text/css; charset=utf-8' },
  'swagger-ui.css.map': { dir: SWAGGER_UI_DIR, type: 'application/json' },
  'favicon-32x32.png': { dir: SWAGGER_UI_DIR, type: 'image/png' },
  'favicon-16x16.png': { dir: SWAGGER_UI_DIR, type: 'image/png' },
};

function sendFile(res: Response, dir: string, file: string, type: string, maxAgeS: number): Promise<void> {
  return new Promise((resolve, reject) => {
    res.sendFile(
      file,
      {
        root: dir,
        dotfiles: 'deny',
        lastModified: true,
        cacheControl: false,
        headers: { 'Content-Type': type, 'Cache-Control': `public, max-age=${maxAgeS}` },
      },
      (error) => (error ? reject(error) : resolve()),
    );
  });
}

/** `GET /api/docs`: Swagger UI on the generated document, with its assets served from the npm package. */
export const docsRoutes: RouteModule = () => {
  const page = fs.readFileSync(path.join(PUBLIC_DIR, 'index.html'));
  return [
    defineRoute({
      method: 'get',
      path: '/api/docs',
      tags,
      summary: 'Interactive API docs (Swagger UI)',
      description:
        'An HTML page that renders `/api/openapi.json` and can send requests ("Try it out"). Its scripts ' +
        'and styles come from this server, so it works under the API’s Content-Security-Policy.',
      auth: 'none',
      response: {
        status: 200,
        description: 'The docs page',
        content: { 'text/html': { type: 'string' } },
      },
      handler: async ({ req, res }) => {
        res.setHeader('Cache-Control', 'no-cache');
        // Unversioned, like every GET without an ETag: res.send would answer `If-None-Match: *` with a 304
        // on its own (req.fresh), which this route does not declare.
        delete req.headers['if-none-match'];
        res.type('html').send(page);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/docs/assets/:file',
      tags,
      summary: 'A static file of the docs page',
      auth: 'none',
      hidden: true,
      params: Joi.object<{ file: string }, true>({ file: Joi.string().max(64).required() }),
      response: { status: 200, content: { 'application/octet-stream': { type: 'string' } } },
      errors: ['NOT_FOUND'],
      handler: async ({ res, params }) => {
        const asset = Object.hasOwn(ASSETS, params.file) ? ASSETS[params.file] : undefined;
        if (!asset) throw notFound('Asset');
        await sendFile(res, asset.dir, params.file, asset.type, asset.dir === PUBLIC_DIR ? 300 : 86_400);
      },
    }),
  ];
};
