import type { AppContext, RouteModule } from '../../context';
import { defineRoute, etag } from '../../http/route';
import { idParams, page } from '../../http/schemas';
import {
  CreateStoryBody,
  ListStoriesQuery,
  StoryListSchema,
  StorySchema,
  UpdateStoryBody,
} from './stories.schemas';
import * as stories from './stories.service';

const tags = ['Stories'];
const ETAG_HEADER = { ETag: { description: 'The story\'s version, e.g. `"3"`' } };

export const storyRoutes: RouteModule = (ctx: AppContext) => [
  defineRoute({
    method: 'get',
    path: '/api/stories',
    tags,
    summary: "List the caller's stories",
    description:
      'Owner, editor or viewer of the project (docs/collaboration.md); anyone else: 404. ' +
      "Ordered by `position`, then `createdAt`. With `projectId`, that project's only (someone else's → 404).",
    auth: 'required',
    query: ListStoriesQuery,
    response: { status: 200, schema: StoryListSchema },
    errors: ['NOT_FOUND'],
    handler: async ({ userId, query }) => {
      const { rows, total } = await stories.listStories(ctx, userId, query);
      return { body: page(rows, total, query.page, query.limit) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/stories',
    tags,
    summary: "Create a story in one of the caller's projects",
    description:
      'Owner or editor of the project (a viewer: 403 `FORBIDDEN`; anyone else: 404). ' +
      '`wordCount` is computed by the server. Without `position` the story goes last. `content` counts ' +
      "against the project owner's storage by its UTF-8 bytes: past the plan's limit → 403 `STORAGE_QUOTA_EXCEEDED` " +
      'and nothing is stored.',
    auth: 'required',
    body: CreateStoryBody,
    response: { status: 201, schema: StorySchema, headers: ETAG_HEADER },
    errors: ['FORBIDDEN', 'STORAGE_QUOTA_EXCEEDED', 'NOT_FOUND'],
    handler: async ({ userId, body }) => {
      const story = await stories.createStory(ctx, userId, body);
      return {
        status: 201,
        headers: { Location: `/api/stories/${story.id}`, ETag: etag(story.version) },
        body: story,
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/stories/:id',
    tags,
    summary: 'One story',
    description:
      'Owner, editor or viewer of the project (docs/collaboration.md); anyone else: 404. ' +
      'With its `version` in the body and in `ETag` (send it back as `If-Match` to write safely). ' +
      "Someone else's story → 404.",
    auth: 'required',
    params: idParams,
    response: { status: 200, schema: StorySchema, headers: ETAG_HEADER },
    handler: async ({ userId, params }) => {
      const story = await stories.getStory(ctx, userId, params.id);
      return { headers: { ETag: etag(story.version) }, body: story };
    },
  }),
  defineRoute({
    method: 'put',
    path: '/api/stories/:id',
    tags,
    summary: "Change any subset of a story's fields, or move it to another project",
    description:
      'Owner or editor of the project (a viewer: 403 `FORBIDDEN`; anyone else: 404). ' +
      "`projectId` moves the story to another project of the same owner that the caller may write (another owner's: 400). Each PUT is version + 1. A " +
      "`content` that grows the project owner's storage past the plan's limit → 403 `STORAGE_QUOTA_EXCEEDED`, " +
      'nothing changes.',
    auth: 'required',
    params: idParams,
    body: UpdateStoryBody,
    ifMatch: true,
    response: { status: 200, schema: StorySchema, headers: ETAG_HEADER },
    errors: ['FORBIDDEN', 'STORAGE_QUOTA_EXCEEDED'],
    handler: async ({ userId, params, body, ifMatch }) => {
      const story = await stories.updateStory(ctx, userId, params.id, body, ifMatch);
      return { headers: { ETag: etag(story.version) }, body: story };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/stories/:id',
    tags,
    summary: 'Delete a story',
    description:
      'Owner or editor of the project (a viewer: 403 `FORBIDDEN`; anyone else: 404). ' +
      'Images attached to it stay in the project, no longer attached to a story. Honours `If-Match` ' +
      "(412); someone else's story → 404.",
    auth: 'required',
    params: idParams,
    ifMatch: true,
    errors: ['FORBIDDEN'],
    response: { status: 204, description: 'Deleted' },
    handler: async ({ userId, params, ifMatch }) => {
      await stories.deleteStory(ctx, userId, params.id, ifMatch);
      return { status: 204 };
    },
  }),
];
