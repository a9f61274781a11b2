import Joi from 'joi';
import { DRAWING_LIMITS } from '../drawings/drawings.schemas';
import { IMAGE_LIMITS } from '../images/images.schemas';
import { LIMITS as PROJECT_LIMITS, PROJECT_STATUSES } from '../projects/projects.schemas';
import { STORY_LIMITS } from '../stories/stories.schemas';
import {
  ARCHIVE_FORMAT,
  ARCHIVE_FORMAT_VERSION,
  IMAGE_EXTENSIONS,
  MAX_ARCHIVE_ENTRIES,
  type ArchivedProject,
  type Manifest,
} from './archive.format';

// What an import accepts in manifest.json and project.json: the shapes the writer makes, within the API's
// own limits (the database's CHECKs say the same; these give the import a clear message first). Every key
// is required (the writer writes them all, null included) and unknown keys are refused: a later format
// that adds one bumps formatVersion.

const id = Joi.string().pattern(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
const time = Joi.string().isoDate().max(40);
const sha256 = Joi.string().pattern(/^[0-9a-f]{64}$/);
const text = (min: number, max: number) => Joi.string().min(min).max(max);
const nullable = (schema: Joi.Schema) => schema.allow(null);
const object = Joi.object().unknown(true);
const version = Joi.number().integer().min(1).max(2_147_483_647);
const position = Joi.number().integer().min(0).max(STORY_LIMITS.maxPosition);
const size = Joi.number().integer().min(0).max(Number.MAX_SAFE_INTEGER);

const counts = Joi.object({
  projects: size,
  versions: size,
  stories: size,
  images: size,
  drawings: size,
  templates: size,
  ratings: size,
});

export const ManifestSchema = Joi.object<Manifest, true>({
  format: Joi.string().valid(ARCHIVE_FORMAT),
  formatVersion: Joi.number().valid(ARCHIVE_FORMAT_VERSION),
  createdAt: time,
  counts,
  entries: Joi.array()
    .items(Joi.object({ path: Joi.string().max(300), size, sha256 }))
    .max(MAX_ARCHIVE_ENTRIES),
}).options({ presence: 'required' });

export const ArchivedProjectSchema = Joi.object<ArchivedProject, true>({
  project: Joi.object({
    id,
    title: text(1, PROJECT_LIMITS.titleChars),
    description: nullable(text(0, PROJECT_LIMITS.descriptionChars).allow('')),
    category: nullable(text(1, PROJECT_LIMITS.categoryChars)),
    status: Joi.string().valid(...PROJECT_STATUSES),
    tags: Joi.array().items(text(1, PROJECT_LIMITS.tagChars)).max(PROJECT_LIMITS.tags),
    settings: object,
    coverImageId: nullable(id),
    version,
    createdAt: time,
    updatedAt: time,
  }),
  versions: Joi.array().items(
    Joi.object({
      version,
      changedFields: Joi.array().items(Joi.string().max(50)).max(20),
      snapshot: object,
      createdAt: time,
    }),
  ),
  stories: Joi.array().items(
    Joi.object({
      id,
      title: text(1, STORY_LIMITS.titleChars),
      content: text(0, STORY_LIMITS.contentChars).allow(''),
      imagePrompts: Joi.array().items(text(1, STORY_LIMITS.imagePromptChars)).max(STORY_LIMITS.imagePrompts),
      wordCount: Joi.number().integer().min(0),
      position,
      metadata: object,
      version,
      createdAt: time,
      updatedAt: time,
    }),
  ),
  images: Joi.array().items(
    Joi.object({
      id,
      storyId: nullable(id),
      kind: Joi.string().valid('page', 'cover', 'reference'),
      title: nullable(text(1, IMAGE_LIMITS.titleChars)),
      originalFilename: nullable(text(1, 255)),
      prompt: nullable(text(1, IMAGE_LIMITS.promptChars)),
      provider: nullable(text(1, IMAGE_LIMITS.providerChars)),
      model: nullable(text(1, IMAGE_LIMITS.modelChars)),
      mimeType: Joi.string().valid(...Object.keys(IMAGE_EXTENSIONS)),
      width: Joi.number().integer().min(1),
      height: Joi.number().integer().min(1),
      sizeBytes: size,
      sha256,
      position: Joi.number().integer().min(0).max(IMAGE_LIMITS.maxPosition),
      metadata: object,
      createdAt: time,
      updatedAt: time,
      file: Joi.string().max(300),
    }),
  ),
  drawings: Joi.array().items(
    Joi.object({
      id,
      imageId: nullable(id),
      title: nullable(text(1, DRAWING_LIMITS.titleChars)),
      width: Joi.number().integer().min(1).max(DRAWING_LIMITS.maxSide),
      height: Joi.number().integer().min(1).max(DRAWING_LIMITS.maxSide),
      version,
      createdAt: time,
      updatedAt: time,
      data: Joi.string().max(300),
      png: nullable(Joi.object({ file: Joi.string().max(300), sizeBytes: size })),
    }),
  ),
}).options({ presence: 'required', convert: false });
