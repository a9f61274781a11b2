import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { RequestHandler } from 'express';
import Joi from 'joi';
import type { AppContext, RouteModule } from '../../context';
import { forbidden, notFound } from '../../http/errors';
import { defineRoute } from '../../http/route';
import { FILE_KEY_PATTERN, storagePaths } from '../../storage';
import { LOCAL_TEMP_DIR } from '../../storage/local-file-store';
import { urlSignerFromConfig } from '../../storage/signed-urls';
import { removeStaleFiles } from '../../storage/temp-files';

const tags = ['Files'];
const HOUR_MS = 60 * 60 * 1000;

const binary = { type: 'string', format: 'binary' };

const FileParams = Joi.object<{ key: string }, true>({
  key: Joi.string()
    .max(512)
    .pattern(FILE_KEY_PATTERN)
    .required()
    .description(
      'The file key, as in the `url`/`thumbnailUrl` the API returned. It contains `/`: send it as issued ' +
        '(`/api/files/users/…/page.png`) or percent-encoded into one segment (`users%2F…%2Fpage.png`, what ' +
        'an OpenAPI client does with a path parameter); both name the same file and signature.',
    ),
});

const SignatureQuery = Joi.object<{ exp: number; sig: string }, true>({
  exp: Joi.number()
    .integer()
    .min(0)
    .max(Number.MAX_SAFE_INTEGER)
    .required()
    .description('Expiry, Unix seconds'),
  sig: Joi.string().max(128).required().description('base64url HMAC-SHA256 of the key and `exp`'),
});

/** Express 5 hands a `*key` wildcard over as its segments; the key is them joined again. */
const joinKeySegments: RequestHandler = (req, _res, next) => {
  const value = (req.params as Record<string, unknown>).key;
  if (Array.isArray(value)) (req.params as Record<string, unknown>).key = value.join('/');
  next();
};

const isClientGone = (error: unknown) =>
  (error as NodeJS.ErrnoException)?.code === 'ERR_STREAM_PREMATURE_CLOSE';

export const fileRoutes: RouteModule = (ctx: AppContext) => {
  const signer = urlSignerFromConfig(ctx.config);
  const paths = storagePaths(ctx.config);
  ctx.maintenance.push({
    name: 'stale-upload-temp-files',
    run: async () =>
      (await removeStaleFiles(paths.uploads, HOUR_MS)) +
      (await removeStaleFiles(path.join(paths.files, LOCAL_TEMP_DIR), HOUR_MS)) +
      (await removeStaleFiles(paths.spool, HOUR_MS)),
  });

  return [
    defineRoute({
      method: 'get',
      path: '/api/files/*key',
      operationId: 'getFile',
      tags,
      summary: 'A stored file, through a signed URL',
      description:
        'The `url` and `thumbnailUrl` of images and drawings, and the `url` of finished export jobs and ' +
        'archives, point here when files are on local disk ' +
        '(`STORAGE_DRIVER=local`; with S3 they are presigned bucket URLs). The URL is only valid as issued: ' +
        'a changed key, expiry or signature, or an expired URL (`SIGNED_URL_TTL`), answers 403 `FORBIDDEN`.',
      auth: 'none',
      before: [joinKeySegments],
      params: FileParams,
      query: SignatureQuery,
      response: {
        status: 200,
        description: 'The file as stored, with its content type',
        content: {
          'image/png': binary,
          'image/jpeg': binary,
          'image/webp': binary,
          'application/pdf': binary,
          'application/zip': binary,
        },
        headers: {
          'Content-Length': {
            description: 'Size in bytes',
            schema: { type: 'integer', format: 'int64', minimum: 0 },
          },
          'Cache-Control': { description: '`private, max-age=<seconds until the URL expires>`' },
          'Content-Disposition': {
            description: '`inline` for images; `attachment` for downloads (export PDFs, archives)',
          },
          'X-Content-Type-Options': { description: '`nosniff`' },
          'Content-Security-Policy': { description: "`default-src 'none'`" },
        },
      },
      errors: ['FORBIDDEN', 'NOT_FOUND'],
      handler: async ({ req, res, params, query }) => {
        const check = signer.verify(params.key, query.exp, query.sig);
        if (check === 'expired') throw forbidden('This file URL has expired; fetch the resource again');
        if (check !== 'valid') throw forbidden('This file URL is not validly signed');

        const head = req.method === 'HEAD';
        const file = head ? await ctx.store.stat(params.key) : await ctx.store.get(params.key);
        if (!file) throw notFound('File');
        const stream = 'stream' in file ? (file.stream as Readable) : undefined;
        res.status(200);
        res.setHeader('Content-Type', file.contentType);
        res.setHeader('Content-Length', String(file.size));
        res.setHeader('Cache-Control', `private, max-age=${signer.secondsLeft(query.exp)}`);
        res.setHeader('Content-Disposition', file.contentType.startsWith('image/') ? 'inline' : 'attachment');
        res.setHeader('X-Content-Type-Options', 'nosniff');
        // Bytes, never a document: no scripts, styles or frames even if a browser were made to render one.
        res.setHeader('Content-Security-Policy', "default-src 'none'");
        // helmet's same-origin default would stop the SPA (another origin) showing the image in <img>.
        res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
        if (!stream) {
          res.end();
          return;
        }
        try {
          await pipeline(stream, res);
        } catch (error) {
          if (!res.headersSent) throw error;
          res.destroy();
          if (!isClientGone(error)) {
            ctx.logger.warn('file stream failed mid-response', { error: (error as Error).message });
          }
        }
      },
    }),
  ];
};
