import Joi from 'joi';
import type { AppContext, RouteModule } from '../../context';
import { defineRoute, etag } from '../../http/route';
import { idParams, page, pagination } from '../../http/schemas';
import { ProjectSchema } from '../projects/projects.schemas';
import {
  CreateTemplateBody,
  ListTemplatesQuery,
  RateTemplateBody,
  TemplateListSchema,
  TemplateRatingListSchema,
  TemplateRatingSchema,
  TemplateSchema,
  UpdateTemplateBody,
  UseTemplateBody,
} from './templates.schemas';
import * as templates from './templates.service';

const tags = ['Templates'];

export const templateRoutes: RouteModule = (ctx: AppContext) => [
  defineRoute({
    method: 'get',
    path: '/api/templates',
    tags,
    summary: "List public templates, plus the caller's own private ones",
    description:
      "Public; with a token the caller's own private templates are listed too. `q` matches title or " +
      'description case-insensitively; `category` and `tag` are exact. `sort=-ratingAverage` puts ' +
      'templates without ratings last; ties in every order go newest first.',
    auth: 'optional',
    query: ListTemplatesQuery,
    response: { status: 200, schema: TemplateListSchema },
    handler: async ({ auth, query }) => {
      const { rows, total } = await templates.listTemplates(ctx, auth?.userId, query);
      return { body: page(rows, total, query.page, query.limit) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/templates',
    tags,
    summary: 'Create a template',
    description:
      "`fromProjectId` snapshots one of the caller's projects (its settings and stories, in order) as the " +
      'content; it cannot be combined with `content`. Without either the content is empty. New templates ' +
      'are private unless `isPublic` is true. Only administrators may send `isPremium` (others: 403).',
    auth: 'required',
    body: CreateTemplateBody,
    response: { status: 201, schema: TemplateSchema },
    errors: [403, 404],
    handler: async ({ userId, body }) => {
      const template = await templates.createTemplate(ctx, userId, body);
      return { status: 201, headers: { Location: `/api/templates/${template.id}` }, body: template };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/templates/:id',
    tags,
    summary: 'One template',
    description:
      'Public for public templates; a private one only for its owner (and administrators), else 404.',
    auth: 'optional',
    params: idParams,
    response: { status: 200, schema: TemplateSchema },
    handler: async ({ auth, params }) => ({
      body: await templates.getTemplate(ctx, auth?.userId, params.id),
    }),
  }),
  defineRoute({
    method: 'put',
    path: '/api/templates/:id',
    tags,
    summary: "Change any subset of a template's fields",
    description:
      'Owner or administrator only: others get 403 on a public template and 404 on a private one. ' +
      '`content` is replaced whole. Only administrators may send `isPremium`.',
    auth: 'required',
    params: idParams,
    body: UpdateTemplateBody,
    response: { status: 200, schema: TemplateSchema },
    errors: [403],
    handler: async ({ userId, params, body }) => ({
      body: await templates.updateTemplate(ctx, userId, params.id, body),
    }),
  }),
  defineRoute({
    method: 'delete',
    path: '/api/templates/:id',
    tags,
    summary: 'Delete a template and its ratings',
    description:
      'Owner or administrator only: others get 403 on a public template and 404 on a private one. ' +
      'Projects made from it stay.',
    auth: 'required',
    params: idParams,
    response: { status: 204, description: 'Deleted' },
    errors: [403],
    handler: async ({ userId, params }) => {
      await templates.deleteTemplate(ctx, userId, params.id);
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/templates/:id/use',
    tags,
    summary: 'Start a new project from a template',
    description:
      "In one transaction: `useCount` + 1, a new project with the template's title (unless `title`), " +
      'description, category, tags and settings, and its stories in order. A premium template needs a ' +
      "plan with premium templates (403 `PLAN_REQUIRED`), except for its owner. Someone else's private " +
      'template is 404. Same as `POST /api/projects` with `templateId`.',
    auth: 'required',
    params: idParams,
    body: UseTemplateBody,
    response: {
      status: 201,
      schema: ProjectSchema,
      headers: { ETag: { description: 'The new project\'s version, `"1"`' } },
    },
    errors: [403],
    handler: async ({ userId, params, body }) => {
      const project = await templates.useTemplate(ctx, userId, params.id, { title: body.title });
      return {
        status: 201,
        headers: { Location: `/api/projects/${project.id}`, ETag: etag(project.version) },
        body: project,
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/templates/:id/ratings',
    tags,
    summary: "A template's ratings, most recently changed first",
    description: "Public for public templates; a private one's only for its owner (and administrators).",
    auth: 'optional',
    params: idParams,
    query: Joi.object(pagination),
    response: { status: 200, schema: TemplateRatingListSchema },
    handler: async ({ auth, params, query }) => {
      const { rows, total } = await templates.listRatings(ctx, auth?.userId, params.id, query);
      return { body: page(rows, total, query.page, query.limit) };
    },
  }),
  defineRoute({
    method: 'put',
    path: '/api/templates/:id/ratings',
    tags,
    summary: "Rate a template (the caller's one rating, inserted or replaced)",
    description:
      '`rating` is an integer 1..5; `review` is optional (at most 2,000 characters) and is replaced with ' +
      "the rating (omitted: none). Rating one's own template is 403. The template's `ratingAverage` and " +
      "`ratingCount` change in the same transaction. Answers the caller's rating.",
    auth: 'required',
    params: idParams,
    body: RateTemplateBody,
    response: { status: 200, schema: TemplateRatingSchema },
    errors: [403],
    handler: async ({ userId, params, body }) => ({
      body: await templates.rateTemplate(ctx, userId, params.id, body),
    }),
  }),
  defineRoute({
    method: 'delete',
    path: '/api/templates/:id/ratings',
    tags,
    summary: "Remove the caller's rating of a template",
    description: '404 when the caller has no rating of it.',
    auth: 'required',
    params: idParams,
    response: { status: 204, description: 'Removed' },
    handler: async ({ userId, params }) => {
      await templates.deleteRating(ctx, userId, params.id);
      return { status: 204 };
    },
  }),
];
