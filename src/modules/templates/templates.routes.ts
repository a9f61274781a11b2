import type { AppContext, RouteModule } from '../../context';
import { defineRoute, etag } from '../../http/route';
import { idParams, page, pageQuery } from '../../http/schemas';
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

const ETAG_HEADER = { ETag: { description: 'The template\'s version, e.g. `"3"`' } };

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
      'content — owner only: an editor or viewer of a shared project gets 403 `FORBIDDEN`, someone who is ' +
      'not a member 404; it cannot be combined with `content`. Without either the content is empty. New templates ' +
      'are private unless `isPublic` is true. Only administrators may send `isPremium` (others: 403). ' +
      "The content counts against the owner's storage (403 `STORAGE_QUOTA_EXCEEDED` past the plan's limit).",
    auth: 'required',
    body: CreateTemplateBody,
    response: { status: 201, schema: TemplateSchema, headers: ETAG_HEADER },
    errors: ['FORBIDDEN', 'STORAGE_QUOTA_EXCEEDED', 'NOT_FOUND'],
    handler: async ({ userId, body }) => {
      const template = await templates.createTemplate(ctx, userId, body);
      return {
        status: 201,
        headers: { Location: `/api/templates/${template.id}`, ETag: etag(template.version) },
        body: template,
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/templates/:id',
    tags,
    summary: 'One template',
    description:
      'Public for public templates; a private one only for its owner (and administrators), else 404. ' +
      "A premium template's `content` is answered only to its owner, administrators and users whose plan " +
      'includes premium templates; anyone else (anonymous callers too) gets `content: null` and ' +
      '`contentLocked: true`. With `If-None-Match` naming the current `ETag` (or `*`) the answer is 304 ' +
      'without a body. A locked answer carries `ETag: W/"<version>-locked"`: another representation of the ' +
      'same version, so a reader who upgrades gets the content instead of a 304 (and a weak tag never ' +
      'passes `If-Match`). ' +
      "The version (and so the ETag) changes with the template's own fields, not with `useCount` or the " +
      'ratings.',
    auth: 'optional',
    params: idParams,
    response: { status: 200, schema: TemplateSchema, headers: ETAG_HEADER },
    handler: async ({ auth, params }) => {
      const template = await templates.getTemplate(ctx, auth?.userId, params.id);
      // The locked answer is another representation of the same version, so it has its own (weak) tag: a
      // client that cached it and then upgrades must get the content, not a 304.
      const tag = template.contentLocked ? `W/"${template.version}-locked"` : etag(template.version);
      return { headers: { ETag: tag }, body: template };
    },
  }),
  defineRoute({
    method: 'put',
    path: '/api/templates/:id',
    tags,
    summary: "Change any subset of a template's fields",
    description:
      'Owner or administrator only: others get 403 on a public template and 404 on a private one. ' +
      '`content` is replaced whole. Only administrators may send `isPremium`. Version + 1; with ' +
      '`If-Match` naming another version → 412 `VERSION_CONFLICT` and nothing changes. The content counts ' +
      "against the owner's storage (403 `STORAGE_QUOTA_EXCEEDED` past the plan's limit).",
    auth: 'required',
    params: idParams,
    body: UpdateTemplateBody,
    ifMatch: true,
    response: { status: 200, schema: TemplateSchema, headers: ETAG_HEADER },
    errors: ['FORBIDDEN', 'STORAGE_QUOTA_EXCEEDED'],
    handler: async ({ userId, params, body, ifMatch }) => {
      const template = await templates.updateTemplate(ctx, userId, params.id, body, ifMatch);
      return { headers: { ETag: etag(template.version) }, body: template };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/templates/:id',
    tags,
    summary: 'Delete a template and its ratings',
    description:
      'Owner or administrator only: others get 403 on a public template and 404 on a private one. ' +
      'Projects made from it stay. With `If-Match` naming another version → 412 and nothing is deleted.',
    auth: 'required',
    params: idParams,
    ifMatch: true,
    response: { status: 204, description: 'Deleted' },
    errors: ['FORBIDDEN'],
    handler: async ({ userId, params, ifMatch }) => {
      await templates.deleteTemplate(ctx, userId, params.id, ifMatch);
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
      'template is 404. Same as `POST /api/projects` with `templateId`. The new settings and stories count ' +
      "against the caller's storage: past the plan's limit → 403 `STORAGE_QUOTA_EXCEEDED`, nothing is created.",
    auth: 'required',
    params: idParams,
    body: UseTemplateBody,
    response: {
      status: 201,
      schema: ProjectSchema,
      headers: { ETag: { description: 'The new project\'s version, `"1"`' } },
    },
    errors: ['PLAN_REQUIRED', 'STORAGE_QUOTA_EXCEEDED'],
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
    query: pageQuery,
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
    errors: ['FORBIDDEN'],
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
