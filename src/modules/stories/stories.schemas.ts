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

/** Limits the contract names (title, content) and the ones chosen here (prompts, position, metadata). */
export const STORY_LIMITS = {
  titleChars: 200,
  contentChars: 100_000,
  imagePrompts: 50,
  imagePromptChars: 2000,
  maxPosition: 1_000_000,
  metadataBytes: 16 * 1024,
} as const;

const title = Joi.string().trim().min(1).max(STORY_LIMITS.titleChars);
const content = Joi.string()
  .max(STORY_LIMITS.contentChars)
  .allow('')
  .description(`At most ${STORY_LIMITS.contentChars} characters`);
const imagePrompts = Joi.array()
  .items(Joi.string().trim().min(1).max(STORY_LIMITS.imagePromptChars))
  .max(STORY_LIMITS.imagePrompts)
  .description(
    `Up to ${STORY_LIMITS.imagePrompts} prompts of 1..${STORY_LIMITS.imagePromptChars} characters`,
  );
const position = Joi.number()
  .integer()
  .min(0)
  .max(STORY_LIMITS.maxPosition)
  .description('Order within the project (ties: older first); default: after the last story');
const metadata = jsonObject(STORY_LIMITS.metadataBytes).description('Free JSON, at most 16 KB');

/** What `CreateStoryBody` validates to; also what `createStory` takes from the templates module. */
export interface CreateStoryInput {
  projectId: string;
  title: string;
  content?: string;
  imagePrompts?: string[];
  position?: number;
  metadata?: Record<string, unknown>;
}

/** What `UpdateStoryBody` validates to: any of the story's writable fields, at least one. */
export type UpdateStoryInput = Partial<Required<CreateStoryInput>>;

export interface ListStoriesInput extends PageQuery {
  projectId?: string;
}

export const CreateStoryBody = Joi.object<CreateStoryInput, true>({
  projectId: uuid.required(),
  title: title.required(),
  content,
  imagePrompts,
  position,
  metadata,
});

export const UpdateStoryBody = Joi.object<UpdateStoryInput, true>({
  projectId: uuid.description("Moves the story to another of the caller's projects"),
  title,
  content,
  imagePrompts,
  position,
  metadata,
})
  .min(1)
  .messages({ 'object.min': 'the body must name at least one field to change' });

export const ListStoriesQuery = Joi.object<ListStoriesInput, true>({
  ...pagination,
  projectId: uuid.description("Only this project's stories"),
});

export const StorySchema = component(
  'Story',
  Joi.object({
    id: uuid.required(),
    projectId: uuid.required(),
    title: Joi.string().required(),
    content: Joi.string().allow('').required(),
    imagePrompts: Joi.array().items(Joi.string()).required(),
    wordCount: Joi.number().integer().min(0).required().description('Computed by the server'),
    position: Joi.number().integer().min(0).required(),
    metadata: Joi.object().unknown(true).required(),
    version: Joi.number().integer().min(1).required(),
    createdAt: timestamp.required(),
    updatedAt: timestamp.required(),
  }),
);

export const StoryListSchema = listOf(StorySchema);
