import type { AppContext, RouteModule } from '../../context';
import { defineRoute, etag } from '../../http/route';
import { idParams, page } from '../../http/schemas';
import { imageUpload, uploadedImage } from '../../http/uploads';
import { EMAIL_NOT_VERIFIED_NOTE, requireVerifiedEmail } from '../../http/guards';
import {
  CreateDrawingBody,
  DrawingListSchema,
  DrawingSchema,
  ListDrawingsQuery,
  UpdateDrawingBody,
} from './drawings.schemas';
import * as drawings from './drawings.service';

const tags = ['Drawings'];
const ETAG_HEADER = { ETag: { description: 'The drawing\'s version, e.g. `"3"`' } };
const PNG_FILE = {
  file: {
    required: false,
    description:
      'The rendered drawing: a PNG (judged by its bytes), at most MAX_UPLOAD_BYTES (default 10 MB)',
  },
};

export const drawingRoutes: RouteModule = (ctx: AppContext) => {
  const verifiedEmail = requireVerifiedEmail(ctx);
  const jsonLimit = ctx.config.http.drawingJsonLimitBytes;
  /** The JSON form up to the drawing body limit, or multipart with an optional PNG and `data` as text. */
  const drawingBody = (body: typeof CreateDrawingBody | typeof UpdateDrawingBody) =>
    imageUpload(ctx, {
      body,
      required: false,
      types: ['image/png'],
      maxFieldBytes: jsonLimit,
      jsonLimitBytes: jsonLimit,
    });
  const forms =
    `The body is JSON (at most ${jsonLimit} bytes, else 413) or \`multipart/form-data\` with the same ` +
    'fields as text (`data` as a JSON string) and an optional rendered PNG in `file` (another type → 415, ' +
    'over MAX_UPLOAD_BYTES → 413). `data` over 5 MB → 400. The PNG and `data` (its UTF-8 bytes as stored) ' +
    "count towards the project owner's storage limit: past it → 403 `STORAGE_QUOTA_EXCEEDED`, and nothing is " +
    'stored. ';

  return [
    defineRoute({
      method: 'get',
      path: '/api/drawings',
      tags,
      summary: "List the caller's drawings",
      description:
        'Owner, editor or viewer of the project (docs/collaboration.md); anyone else: 404. ' +
        "In creation order. With `projectId` or `imageId`, only that project's or image's (someone " +
        "else's → 404). `url` is a fresh signed URL of the PNG, or null.",
      auth: 'required',
      query: ListDrawingsQuery,
      response: { status: 200, schema: DrawingListSchema },
      errors: ['NOT_FOUND'],
      handler: async ({ userId, query }) => {
        const { rows, total } = await drawings.listDrawings(ctx, userId, query);
        return { body: page(rows, total, query.page, query.limit) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/drawings',
      tags,
      summary: "Create a drawing in one of the caller's projects",
      description:
        'Owner or editor of the project (a viewer: 403 `FORBIDDEN`; anyone else: 404). ' +
        forms +
        "`imageId` must be an image of the drawing's project (someone else's → 404, another project's → " +
        '400). ' +
        EMAIL_NOT_VERIFIED_NOTE,
      auth: 'required',
      bodyKind: 'multipart',
      multipart: { files: PNG_FILE, alsoJson: true },
      body: CreateDrawingBody,
      before: [verifiedEmail, drawingBody(CreateDrawingBody)],
      response: { status: 201, schema: DrawingSchema, headers: ETAG_HEADER },
      errors: ['FORBIDDEN', 'EMAIL_NOT_VERIFIED', 'STORAGE_QUOTA_EXCEEDED', 'NOT_FOUND'],
      handler: async ({ res, userId, body }) => {
        const drawing = await drawings.createDrawing(ctx, userId, body, uploadedImage(res));
        return {
          status: 201,
          headers: { Location: `/api/drawings/${drawing.id}`, ETag: etag(drawing.version) },
          body: drawing,
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/drawings/:id',
      tags,
      summary: 'One drawing',
      description:
        'Owner, editor or viewer of the project (docs/collaboration.md); anyone else: 404. ' +
        'With its vector `data`, its `version` (also in `ETag`) and, when it has a PNG, a fresh signed ' +
        "`url`. Someone else's drawing → 404.",
      auth: 'required',
      params: idParams,
      response: { status: 200, schema: DrawingSchema, headers: ETAG_HEADER },
      handler: async ({ userId, params }) => {
        const drawing = await drawings.getDrawing(ctx, userId, params.id);
        return { headers: { ETag: etag(drawing.version) }, body: drawing };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/drawings/:id',
      tags,
      summary: 'Change a drawing, replace its PNG, or move it to another project',
      description:
        'Owner or editor of the project (a viewer: 403 `FORBIDDEN`; anyone else: 404). ' +
        forms +
        'Any subset of the fields, a new PNG, or both (not neither: 400); each PUT is version + 1. Without ' +
        "a file the stored PNG is kept. `projectId` moves the drawing to another project of the same owner that the caller may write (another owner's: 400); " +
        'without `imageId` its image is then cleared. ' +
        EMAIL_NOT_VERIFIED_NOTE,
      auth: 'required',
      params: idParams,
      bodyKind: 'multipart',
      multipart: { files: PNG_FILE, alsoJson: true },
      body: UpdateDrawingBody,
      before: [verifiedEmail, drawingBody(UpdateDrawingBody)],
      ifMatch: true,
      response: { status: 200, schema: DrawingSchema, headers: ETAG_HEADER },
      errors: ['FORBIDDEN', 'EMAIL_NOT_VERIFIED', 'STORAGE_QUOTA_EXCEEDED', 'NOT_FOUND'],
      handler: async ({ res, userId, params, body, ifMatch }) => {
        const drawing = await drawings.updateDrawing(
          ctx,
          userId,
          params.id,
          body,
          ifMatch,
          uploadedImage(res),
        );
        return { headers: { ETag: etag(drawing.version) }, body: drawing };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/drawings/:id',
      tags,
      summary: 'Delete a drawing and its PNG',
      description:
        'Owner or editor of the project (a viewer: 403 `FORBIDDEN`; anyone else: 404). ' +
        "The PNG is deleted after the commit and the project owner's storage use drops by its size. Honours " +
        "`If-Match` (412); someone else's drawing → 404.",
      auth: 'required',
      params: idParams,
      ifMatch: true,
      errors: ['FORBIDDEN'],
      response: { status: 204, description: 'Deleted' },
      handler: async ({ userId, params, ifMatch }) => {
        await drawings.deleteDrawing(ctx, userId, params.id, ifMatch);
        return { status: 204 };
      },
    }),
  ];
};
