import Joi from 'joi';
import {
  component,
  jsonObject,
  listOf,
  pagination,
  type PageQuery,
  timestamp,
  uuid,
} from '../../http/schemas';

export const IMAGE_KINDS = ['page', 'cover', 'reference'] as const;
export type ImageKind = (typeof IMAGE_KINDS)[number];

/** Limits the contract names (title) and the ones chosen here (see docs/images.md). */
export const IMAGE_LIMITS = {
  titleChars: 200,
  promptChars: 4000,
  providerChars: 64,
  modelChars: 128,
  maxPosition: 1_000_000,
  metadataBytes: 16 * 1024,
} as const;

const kind = Joi.string()
  .valid(...IMAGE_KINDS)
  .description('Default `page`');
const title = Joi.string().trim().min(1).max(IMAGE_LIMITS.titleChars);
const prompt = Joi.string()
  .trim()
  .min(1)
  .max(IMAGE_LIMITS.promptChars)
  .description('The prompt the image was generated from');
const provider = Joi.string()
  .trim()
  .min(1)
  .max(IMAGE_LIMITS.providerChars)
  .description('The AI service that made it, e.g. `openai`');
const model = Joi.string().trim().min(1).max(IMAGE_LIMITS.modelChars).description('The model that made it');
const position = Joi.number()
  .integer()
  .min(0)
  .max(IMAGE_LIMITS.maxPosition)
  .description("Order within the project (ties: older first); default: after the project's last image");
const metadata = jsonObject(IMAGE_LIMITS.metadataBytes).description(
  'Free JSON, at most 16 KB (in the multipart form: a JSON string)',
);

/** The text fields of the multipart form of `POST /api/images` (the file is the `file` part). */
/** What `CreateImageBody` validates to (the multipart form's text fields, parsed); what `createImage` takes. */
export interface CreateImageInput {
  projectId: string;
  storyId?: string;
  kind?: ImageKind;
  title?: string;
  prompt?: string;
  provider?: string;
  model?: string;
  position?: number;
  metadata?: Record<string, unknown>;
}

/** What `UpdateImageBody` validates to: any of the writable fields, at least one; null clears a text. */
export interface UpdateImageInput {
  projectId?: string;
  storyId?: string | null;
  kind?: ImageKind;
  title?: string | null;
  prompt?: string | null;
  provider?: string | null;
  model?: string | null;
  position?: number;
  metadata?: Record<string, unknown>;
}

export interface ListImagesInput extends PageQuery {
  projectId?: string;
  storyId?: string;
}

export const CreateImageBody = Joi.object<CreateImageInput, true>({
  projectId: uuid.required().description("One of the caller's projects"),
  storyId: uuid.description('A story of that project'),
  kind,
  title,
  prompt,
  provider,
  model,
  position,
  metadata,
});

export const UpdateImageBody = Joi.object<UpdateImageInput, true>({
  projectId: uuid.description(
    "Moves the image to another of the caller's projects (without `storyId` its story is cleared)",
  ),
  storyId: uuid.allow(null).description("A story of the image's (new) project, or null"),
  kind,
  title: title.allow(null),
  prompt: prompt.allow(null),
  provider: provider.allow(null),
  model: model.allow(null),
  position,
  metadata,
})
  .min(1)
  .messages({ 'object.min': 'the body must name at least one field to change' });

export const ListImagesQuery = Joi.object<ListImagesInput, true>({
  ...pagination,
  projectId: uuid.description("Only this project's images"),
  storyId: uuid.description("Only this story's images"),
});

const nullableString = Joi.string().allow(null).required();

export const ImageSchema = component(
  'Image',
  Joi.object({
    id: uuid.required(),
    projectId: uuid.required(),
    storyId: uuid.allow(null).required(),
    kind: Joi.string()
      .valid(...IMAGE_KINDS)
      .required(),
    title: nullableString,
    originalFilename: nullableString.description("The uploaded file's name, for display only"),
    prompt: nullableString,
    provider: nullableString,
    model: nullableString,
    mimeType: Joi.string()
      .valid('image/png', 'image/jpeg', 'image/webp')
      .required()
      .description("From the file's bytes"),
    width: Joi.number().integer().min(1).required().description('Pixels, as displayed (EXIF orientation)'),
    height: Joi.number().integer().min(1).required(),
    sizeBytes: Joi.number().integer().min(0).required(),
    sha256: Joi.string()
      .pattern(/^[0-9a-f]{64}$/)
      .required()
      .description('Hex SHA-256 of the stored file'),
    position: Joi.number().integer().min(0).required(),
    metadata: Joi.object().unknown(true).required(),
    url: Joi.string()
      .uri()
      .required()
      .description(
        'Short-lived signed absolute URL of the original (`SIGNED_URL_TTL`), fresh on every response: ' +
          '`PUBLIC_URL/api/files/…` on the local store, a presigned S3 URL on S3; usable as `<img src>` from any origin',
      ),
    thumbnailUrl: Joi.string()
      .uri()
      .required()
      .description('Short-lived signed absolute URL of a WebP thumbnail, at most 512 px on its long side'),
    createdAt: timestamp.required(),
    updatedAt: timestamp.required(),
  }),
);

export const ImageListSchema = listOf(ImageSchema);
