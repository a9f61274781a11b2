import express, { type Express } from 'express';
import Joi from 'joi';
import type { AppContext } from '../../src/context';
import { errorHandler, notFoundHandler } from '../../src/http/error-handler';
import { createIdempotency } from '../../src/http/idempotency';
import { requestContextMiddleware } from '../../src/http/request-context';
import { defineRoute, type AuthMode, type RouteDef } from '../../src/http/route';
import { mountRoutes } from '../../src/http/router';
import { jsonObject } from '../../src/http/schemas';
import {
  imageUpload,
  storeUploadedImage,
  uploadedImage,
  type ImageUploadOptions,
} from '../../src/http/uploads';

/** The text fields of the test route: like the images route's (a string, a number, a JSON object). */
export const UploadTestBody = Joi.object<
  { title?: string; position?: number; metadata?: Record<string, unknown> },
  true
>({
  title: Joi.string().min(1).max(200),
  position: Joi.number().integer().min(0),
  metadata: jsonObject(16 * 1024),
});

export const UPLOAD_TEST_PATH = '/test/uploads';

/**
 * A test-only route declared exactly like the images route will be (multipart body, `imageUpload` in
 * `before`), storing the upload and answering what the pipeline decided. Tests and the memory benchmark
 * mount it with the real router.
 */
export function uploadTestRoute(
  ctx: AppContext,
  options: ImageUploadOptions & { auth?: AuthMode } = {},
): RouteDef {
  const { auth = 'required', ...uploadOptions } = options;
  return defineRoute({
    method: 'post',
    path: UPLOAD_TEST_PATH,
    tags: ['Test'],
    summary: 'Test-only upload',
    auth,
    bodyKind: 'multipart',
    multipart: { files: { file: { required: true, description: 'PNG, JPEG or WebP' } } },
    body: UploadTestBody,
    before: [imageUpload(ctx, { body: UploadTestBody, ...uploadOptions })],
    response: { status: 201 },
    handler: async ({ res, body, auth: who }) => {
      const image = uploadedImage(res);
      if (!image) return { status: 201, body: { fields: body, image: null } };
      const keys = await storeUploadedImage(ctx.store, image, {
        namespace: 'test',
        ownerId: who?.userId ?? '00000000-0000-4000-8000-000000000000',
      });
      const { path: _path, thumbnail, ...described } = image;
      const { path: _thumbPath, ...thumbnailInfo } = thumbnail;
      return {
        status: 201,
        headers: { Location: `/test/uploads/${keys.key}` },
        body: {
          fields: body,
          image: { ...described, thumbnail: thumbnailInfo },
          keys,
          uploadDigest: res.locals.uploadDigest,
          url: await ctx.store.signedUrl(keys.key),
        },
      };
    },
  });
}

/** An Express app with only the given routes, on the real router, idempotency and error handler. */
export function createRouteApp(ctx: AppContext, routes: RouteDef[]): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(requestContextMiddleware(ctx.logger));
  mountRoutes(app, routes, {
    tokens: ctx.tokens,
    idempotency: createIdempotency(ctx.db, { staleAfterMs: 60_000 }),
    apiLimiter: (_req, _res, next) => next(),
    jsonLimitBytes: ctx.config.http.jsonLimitBytes,
  });
  app.use(notFoundHandler);
  app.use(errorHandler(ctx.logger, { exposeInternals: false }));
  return app;
}
