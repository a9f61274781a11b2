import Joi from 'joi';
import {
  component,
  jsonBytes,
  jsonObject,
  listOf,
  pagination,
  type PageQuery,
  timestamp,
  uuid,
} from '../../http/schemas';
import { LIMITS as PROJECT_LIMITS } from '../projects/projects.schemas';
import { STORY_LIMITS } from '../stories/stories.schemas';

export const TEMPLATE_SORTS = ['-createdAt', '-useCount', '-ratingAverage'] as const;
export type TemplateSort = (typeof TEMPLATE_SORTS)[number];

/**
 * Limits the contract names (title, description, tags, review) and the ones chosen here. A template's
 * content becomes a project and its stories, so its parts take the projects' and stories' limits.
 */
export const TEMPLATE_LIMITS = {
  titleChars: PROJECT_LIMITS.titleChars,
  descriptionChars: PROJECT_LIMITS.descriptionChars,
  categoryChars: PROJECT_LIMITS.categoryChars,
  tags: PROJECT_LIMITS.tags,
  tagChars: PROJECT_LIMITS.tagChars,
  searchChars: PROJECT_LIMITS.searchChars,
  settingsBytes: PROJECT_LIMITS.settingsBytes,
  stories: 200,
  contentBytes: 1024 * 1024,
  reviewChars: 2000,
} as const;

const title = Joi.string().trim().min(1).max(TEMPLATE_LIMITS.titleChars);
const description = Joi.string().max(TEMPLATE_LIMITS.descriptionChars).allow('', null);
const category = Joi.string().trim().min(1).max(TEMPLATE_LIMITS.categoryChars).allow(null);
const tags = Joi.array()
  .items(Joi.string().trim().min(1).max(TEMPLATE_LIMITS.tagChars))
  .max(TEMPLATE_LIMITS.tags)
  .unique()
  .description(`Up to ${TEMPLATE_LIMITS.tags} distinct tags of 1..${TEMPLATE_LIMITS.tagChars} characters`);
const isPublic = Joi.boolean().description(
  'Listed in the marketplace and readable by anyone (default false)',
);
const isPremium = Joi.boolean().description(
  'Needs a plan with premium templates to use. Only administrators set it (others: 403 `FORBIDDEN`)',
);

/** What `TemplateContentBody` validates to (the defaults filled in). */
export interface TemplateContentInput {
  settings: Record<string, unknown>;
  stories: Array<{ title: string; content: string; imagePrompts: string[] }>;
}

export interface CreateTemplateInput {
  title: string;
  description?: string | null;
  category?: string | null;
  tags?: string[];
  isPublic?: boolean;
  isPremium?: boolean;
  content?: TemplateContentInput;
  fromProjectId?: string;
}

/** What `UpdateTemplateBody` validates to: any of the writable fields, at least one. */
export type UpdateTemplateInput = Partial<Omit<CreateTemplateInput, 'fromProjectId'>>;

export interface UseTemplateInput {
  title?: string;
}

export interface ListTemplatesInput extends PageQuery {
  q?: string;
  category?: string;
  tag?: string;
  sort: TemplateSort;
}

export interface RateTemplateInput {
  rating: number;
  review?: string | null;
}

const templateStory = Joi.object<TemplateContentInput['stories'][number], true>({
  title: Joi.string().trim().min(1).max(STORY_LIMITS.titleChars).required(),
  content: Joi.string().max(STORY_LIMITS.contentChars).allow('').default(''),
  imagePrompts: Joi.array()
    .items(Joi.string().trim().min(1).max(STORY_LIMITS.imagePromptChars))
    .max(STORY_LIMITS.imagePrompts)
    .default([]),
});

/** `{ settings, stories }`; missing parts default to `{}` and `[]`. */
export const TemplateContentBody = Joi.object<TemplateContentInput, true>({
  settings: jsonObject(TEMPLATE_LIMITS.settingsBytes)
    .default({})
    .description("The new project's settings, at most 64 KB of JSON"),
  stories: Joi.array()
    .items(templateStory)
    .max(TEMPLATE_LIMITS.stories)
    .default([])
    .description(`Up to ${TEMPLATE_LIMITS.stories} stories, in order`),
})
  .custom((value, helpers) =>
    jsonBytes(value) > TEMPLATE_LIMITS.contentBytes
      ? helpers.error('object.jsonBytes', { maxBytes: TEMPLATE_LIMITS.contentBytes })
      : value,
  )
  .messages({ 'object.jsonBytes': '{{#label}} must be at most {{#maxBytes}} bytes of JSON' })
  .description(
    'A project skeleton: `settings` and up to 200 stories (`title`, `content`, `imagePrompts`), at most 1 MB of JSON',
  );

export const CreateTemplateBody = Joi.object<CreateTemplateInput, true>({
  title: title.required(),
  description,
  category,
  tags,
  isPublic,
  isPremium,
  content: TemplateContentBody,
  fromProjectId: uuid.description(
    "Snapshots one of the caller's projects (its settings and stories) as the content; not with `content`",
  ),
})
  .custom((value, helpers) =>
    value.content !== undefined && value.fromProjectId !== undefined
      ? helpers.error('template.contentAndProject', {}, {
          ...helpers.state,
          path: ['fromProjectId'],
        } as Joi.State)
      : value,
  )
  .messages({ 'template.contentAndProject': '"fromProjectId" cannot be given together with "content"' });

export const UpdateTemplateBody = Joi.object<UpdateTemplateInput, true>({
  title,
  description,
  category,
  tags,
  isPublic,
  isPremium,
  content: TemplateContentBody,
})
  .min(1)
  .messages({ 'object.min': 'the body must name at least one field to change' });

export const UseTemplateBody = Joi.object<UseTemplateInput, true>({
  title: title.description("The new project's title; default: the template's title"),
});

export const ListTemplatesQuery = Joi.object<ListTemplatesInput, true>({
  ...pagination,
  q: Joi.string()
    .trim()
    .min(1)
    .max(TEMPLATE_LIMITS.searchChars)
    .description(
      'Words to find in the title or description: each word (letters and digits) must begin a word there, ' +
        'case-insensitively, in any order ("oce anim" finds "Ocean animals")',
    ),
  category: Joi.string().trim().min(1).max(TEMPLATE_LIMITS.categoryChars).description('Exact category'),
  tag: Joi.string()
    .trim()
    .min(1)
    .max(TEMPLATE_LIMITS.tagChars)
    .description('Templates carrying this exact tag'),
  sort: Joi.string()
    .valid(...TEMPLATE_SORTS)
    .default('-createdAt')
    .description('`-ratingAverage` puts unrated templates last; ties: newest first'),
});

export const RateTemplateBody = Joi.object<RateTemplateInput, true>({
  rating: Joi.number().integer().strict().min(1).max(5).required().description('An integer 1..5'),
  review: Joi.string()
    .max(TEMPLATE_LIMITS.reviewChars)
    .allow('', null)
    .description(`At most ${TEMPLATE_LIMITS.reviewChars} characters; the PUT replaces the whole rating`),
});

export const TemplateContentSchema = component(
  'TemplateContent',
  Joi.object({
    settings: Joi.object().unknown(true).required(),
    stories: Joi.array()
      .items(
        Joi.object({
          title: Joi.string().required(),
          content: Joi.string().allow('').required(),
          imagePrompts: Joi.array().items(Joi.string()).required(),
        }),
      )
      .required(),
  }),
);

export const TemplateSchema = component(
  'Template',
  Joi.object({
    id: uuid.required(),
    ownerId: uuid.required(),
    title: Joi.string().required(),
    description: Joi.string().allow(null).required(),
    category: Joi.string().allow(null).required(),
    tags: Joi.array().items(Joi.string()).required(),
    isPublic: Joi.boolean().required(),
    isPremium: Joi.boolean().required(),
    content: TemplateContentSchema.allow(null)
      .required()
      .description(
        "The project skeleton; null when `contentLocked` (a premium template's content is only for its " +
          'owner, administrators and plans with premium templates)',
      ),
    contentLocked: Joi.boolean()
      .required()
      .description(
        'True when `content` is withheld: a premium template and a caller (or anonymous reader) whose plan ' +
          'does not include premium templates. Upgrading the plan unlocks it',
      ),
    version: Joi.number()
      .integer()
      .min(1)
      .required()
      .description(
        "Starts at 1, + 1 per change of the template's own fields; the `ETag`. Not moved by `useCount` or ratings",
      ),
    ratingAverage: Joi.number()
      .min(1)
      .max(5)
      .allow(null)
      .required()
      .description('Mean of the ratings stored; null without ratings'),
    ratingCount: Joi.number().integer().min(0).required(),
    useCount: Joi.number().integer().min(0).required(),
    createdAt: timestamp.required(),
    updatedAt: timestamp.required(),
  }),
);

export const TemplateListSchema = listOf(TemplateSchema);

export const TemplateRatingSchema = component(
  'TemplateRating',
  Joi.object({
    userId: uuid.required(),
    displayName: Joi.string().allow(null).required(),
    rating: Joi.number().integer().min(1).max(5).required(),
    review: Joi.string().allow(null).required(),
    createdAt: timestamp.required(),
    updatedAt: timestamp.required(),
  }),
);

export const TemplateRatingListSchema = listOf(TemplateRatingSchema);
