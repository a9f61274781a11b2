import Joi from 'joi';
import {
  component,
  FREE_JSON_MESSAGES,
  freeJsonCheck,
  inputObject,
  listOf,
  openApiKeywords,
  pagination,
  type PageQuery,
  timestamp,
  uuid,
} from '../../http/schemas';
import type { CreateDrawingInput, UpdateDrawingInput } from './drawings.service';

/** Limits the contract names (`data` 5 MB, title) and the ones chosen here (canvas sides). */
export const DRAWING_LIMITS = {
  titleChars: 200,
  dataBytes: 5 * 1024 * 1024,
  maxSide: 16_384,
} as const;

const title = Joi.string().trim().min(1).max(DRAWING_LIMITS.titleChars);
const data = Joi.alternatives()
  // An array within the byte limit holds at most half as many items: each takes a value and a comma.
  .try(
    Joi.object().unknown(true),
    Joi.array().meta(openApiKeywords({ maxItems: Math.floor(DRAWING_LIMITS.dataBytes / 2) })),
  )
  .custom(freeJsonCheck(DRAWING_LIMITS.dataBytes))
  .messages(FREE_JSON_MESSAGES)
  .description(
    "The canvas's vector JSON (strokes): an object or an array, at most 5 MB serialised " +
      '(in the multipart form: a JSON string)',
  );
const side = Joi.number().integer().min(1).max(DRAWING_LIMITS.maxSide);

/** The JSON body, or the text fields of the multipart form (with an optional PNG in `file`). */
// inputObject, not Joi.object<T, true>: `data` is free JSON (unknown), which Joi's strict map cannot type.
export const CreateDrawingBody = inputObject<CreateDrawingInput>({
  projectId: uuid.required().description("One of the caller's projects"),
  imageId: uuid.description('The image being colored: an image of that project'),
  title,
  data: data.required(),
  width: side.required().description('Canvas width in pixels'),
  height: side.required().description('Canvas height in pixels'),
});

/** Any subset; a multipart PUT may carry only a new PNG. */
export const UpdateDrawingBody = inputObject<UpdateDrawingInput>({
  projectId: uuid.description(
    "Moves the drawing to another of the caller's projects (without `imageId` its image is cleared)",
  ),
  imageId: uuid.allow(null).description("An image of the drawing's (new) project, or null (JSON form)"),
  title: title.allow(null),
  data,
  width: side,
  height: side,
});

export interface ListDrawingsInput extends PageQuery {
  projectId?: string;
  imageId?: string;
}

export const ListDrawingsQuery = Joi.object<ListDrawingsInput, true>({
  ...pagination,
  projectId: uuid.description("Only this project's drawings"),
  imageId: uuid.description("Only this image's drawings"),
});

export const DrawingSchema = component(
  'Drawing',
  Joi.object({
    id: uuid.required(),
    projectId: uuid.required(),
    imageId: uuid.allow(null).required(),
    title: Joi.string().allow(null).required(),
    data: Joi.alternatives().try(Joi.object().unknown(true), Joi.array()).required(),
    width: Joi.number().integer().min(1).required(),
    height: Joi.number().integer().min(1).required(),
    mimeType: Joi.string()
      .valid('image/png')
      .allow(null)
      .required()
      .description('`image/png` when a rendered PNG is stored, else null'),
    sizeBytes: Joi.number().integer().min(0).allow(null).required().description("The PNG's size, or null"),
    url: Joi.string()
      .uri()
      .allow(null)
      .required()
      .description('Short-lived signed absolute URL of the PNG (fresh on every response), or null'),
    version: Joi.number().integer().min(1).required(),
    createdAt: timestamp.required(),
    updatedAt: timestamp.required(),
  }),
);

export const DrawingListSchema = listOf(DrawingSchema);
