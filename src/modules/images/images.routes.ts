import type { AppContext, RouteModule } from '../../context';
import { defineRoute } from '../../http/route';
import { idParams, page } from '../../http/schemas';
import { imageUpload, uploadedImage } from '../../http/uploads';
import { EMAIL_NOT_VERIFIED_NOTE, requireVerifiedEmail } from '../../http/guards';
import {
  CreateImageBody,
  ImageListSchema,
  ImageSchema,
  ListImagesQuery,
  UpdateImageBody,
} from './images.schemas';
import * as images from './images.service';

const tags = ['Images'];

export const imageRoutes: RouteModule = (ctx: AppContext) => [
  defineRoute({
    method: 'get',
    path: '/api/images',
    tags,
    summary: "List the caller's images",
    description:
      'Owner, editor or viewer of the project (docs/collaboration.md); anyone else: 404. ' +
      "Ordered by `position`, then `createdAt`. With `projectId` or `storyId`, only that project's or " +
      "story's (someone else's → 404). `url` and `thumbnailUrl` are fresh signed URLs.",
    auth: 'required',
    query: ListImagesQuery,
    response: { status: 200, schema: ImageListSchema },
    errors: ['NOT_FOUND'],
    handler: async ({ userId, query }) => {
      const { rows, total } = await images.listImages(ctx, userId, query);
      return { body: page(rows, total, query.page, query.limit) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/images',
    tags,
    summary: "Upload an image into one of the caller's projects",
    description:
      'Owner or editor of the project (a viewer: 403 `FORBIDDEN`; anyone else: 404). ' +
      'A `multipart/form-data` body: the image in `file` and the other fields as text (`metadata` as a JSON ' +
      "string). PNG, JPEG and WebP are accepted, judged by the bytes (not the name or the part's " +
      'Content-Type): anything else, or a file that does not decode, → 415; over `MAX_UPLOAD_BYTES` ' +
      '(default 10 MB) → 413; over 100 megapixels → 400. The original counts towards the storage limit of ' +
      "the caller's plan: past it → 403 `STORAGE_QUOTA_EXCEEDED`. Nothing is stored when an upload is " +
      "refused. Someone else's `projectId` or `storyId` → 404; a story of another project → 400. " +
      EMAIL_NOT_VERIFIED_NOTE,
    auth: 'required',
    bodyKind: 'multipart',
    multipart: {
      files: {
        file: {
          required: true,
          description: 'PNG, JPEG or WebP (judged by its bytes), at most MAX_UPLOAD_BYTES (default 10 MB)',
        },
      },
    },
    body: CreateImageBody,
    before: [requireVerifiedEmail(ctx), imageUpload(ctx, { body: CreateImageBody })],
    response: { status: 201, schema: ImageSchema },
    errors: ['FORBIDDEN', 'EMAIL_NOT_VERIFIED', 'STORAGE_QUOTA_EXCEEDED', 'NOT_FOUND'],
    handler: async ({ res, userId, body }) => {
      const image = await images.createImage(ctx, userId, body, uploadedImage(res)!);
      return { status: 201, headers: { Location: `/api/images/${image.id}` }, body: image };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/images/:id',
    tags,
    summary: 'One image, with fresh signed URLs',
    description:
      'Owner, editor or viewer of the project (docs/collaboration.md); anyone else: 404. ' +
      '`url` and `thumbnailUrl` are new on every GET and live `SIGNED_URL_TTL` seconds; fetch the image ' +
      "again for new ones. Someone else's image → 404.",
    auth: 'required',
    params: idParams,
    response: { status: 200, schema: ImageSchema },
    handler: async ({ userId, params }) => ({ body: await images.getImage(ctx, userId, params.id) }),
  }),
  defineRoute({
    method: 'put',
    path: '/api/images/:id',
    tags,
    summary: "Change an image's fields (not its file), or move it to another project",
    description:
      'Owner or editor of the project (a viewer: 403 `FORBIDDEN`; anyone else: 404). ' +
      "Any subset of the fields. `projectId` moves the image to another project of the same owner that the caller may write (another owner's: 400) " +
      "(someone else's → 404); a `storyId` must be a story of the image's (new) project (400), and a move " +
      "without one clears the story. A moved image's drawings stay in their project, no longer attached to " +
      "it, and it stops being the old project's cover.",
    auth: 'required',
    params: idParams,
    body: UpdateImageBody,
    errors: ['FORBIDDEN'],
    response: { status: 200, schema: ImageSchema },
    handler: async ({ userId, params, body }) => ({
      body: await images.updateImage(ctx, userId, params.id, body),
    }),
  }),
  defineRoute({
    method: 'delete',
    path: '/api/images/:id',
    tags,
    summary: 'Delete an image and its stored files',
    description:
      'Owner or editor of the project (a viewer: 403 `FORBIDDEN`; anyone else: 404). ' +
      "Its original's size is released from the project owner's storage use. Drawings of the image stay, no " +
      'longer attached to it; a project whose cover it was has no cover.',
    auth: 'required',
    params: idParams,
    errors: ['FORBIDDEN'],
    response: { status: 204, description: 'Deleted' },
    handler: async ({ userId, params }) => {
      await images.deleteImage(ctx, userId, params.id);
      return { status: 204 };
    },
  }),
];
