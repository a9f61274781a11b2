import Joi from 'joi';
import type { AppContext, RouteModule } from '../../context';
import { defineRoute, etag } from '../../http/route';
import { idParams, page, pageQuery } from '../../http/schemas';
import {
  CreateProjectBody,
  DuplicateProjectBody,
  IncludeQuery,
  ListProjectsQuery,
  ProjectListSchema,
  ProjectSchema,
  ProjectVersionListSchema,
  ProjectVersionSchema,
  projectWithChildrenSchema,
  type ProjectChildResponse,
  UpdateProjectBody,
  VersionParams,
} from './projects.schemas';
import * as projects from './projects.service';

const tags = ['Projects'];
const ETAG_HEADER = { ETag: { description: 'The project\'s version, e.g. `"3"`' } };

/**
 * What the projects routes get at wiring time (modules/index.ts) from the modules above them: the children's
 * response schemas for `include`, and `POST /api/projects` with `templateId`, which the templates module
 * answers (templates imports projects, so projects cannot import templates).
 */
export interface ProjectRoutesWiring {
  children: readonly ProjectChildResponse[];
  useTemplate(
    ctx: AppContext,
    userId: string,
    templateId: string,
    overrides: Partial<projects.CreateProjectInput>,
  ): Promise<projects.Project>;
}

export const projectRoutes =
  (wiring: ProjectRoutesWiring): RouteModule =>
  (ctx) =>
    projectRouteDefs(ctx, wiring, projectWithChildrenSchema(wiring.children));

const projectRouteDefs = (
  ctx: AppContext,
  wiring: ProjectRoutesWiring,
  ProjectWithChildrenSchema: Joi.ObjectSchema,
) => [
  defineRoute({
    method: 'get',
    path: '/api/projects',
    tags,
    summary: "List the caller's projects, own and shared",
    description:
      "Own and shared projects, each with `ownerId` and the caller's `role` (`owner`, `editor`, `viewer`); " +
      '`role=…` keeps the projects where the caller has that role. ' +
      '`q` matches title or description case-insensitively; `status`, `category` and `tag` are exact. ' +
      "`counts` are numbers of the project's stories, images and drawings (kept on the project, not counted " +
      'per read). Page with `page`, or with `cursor` (the `nextCursor` of the page before: keyset ' +
      'pagination, as cheap on page 500 as on page 1); `page` and `cursor` together → 400.',
    auth: 'required',
    query: ListProjectsQuery,
    response: { status: 200, schema: ProjectListSchema },
    handler: async ({ userId, query }) => {
      const list = await projects.listProjects(ctx, userId, query);
      const body = page(list.rows, list.total, list.page, query.limit);
      return { body: { ...body, pagination: { ...body.pagination, nextCursor: list.nextCursor } } };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/projects',
    tags,
    summary: 'Create a project',
    description:
      'New projects start as `draft` at version 1. With `templateId` this is `POST /api/templates/{id}/use`: ' +
      "the project starts as a copy of the template's content (a use is counted; a premium template needs " +
      "the plan: 403 `PLAN_REQUIRED`; someone else's private template: 404), and the fields given override " +
      "the template's. Stored text (settings, story content) counts against the caller's storage: past " +
      "the plan's limit → 403 `STORAGE_QUOTA_EXCEEDED`, nothing is created.",
    auth: 'required',
    body: CreateProjectBody,
    response: { status: 201, schema: ProjectSchema, headers: ETAG_HEADER },
    errors: ['PLAN_REQUIRED', 'STORAGE_QUOTA_EXCEEDED', 'NOT_FOUND'],
    handler: async ({ userId, body }) => {
      const { templateId, ...fields } = body;
      const project = templateId
        ? await wiring.useTemplate(ctx, userId, templateId, fields)
        : // The schema requires `title` when there is no `templateId`.
          await projects.createProject(ctx, userId, fields as projects.CreateProjectInput);
      return {
        status: 201,
        headers: { Location: `/api/projects/${project.id}`, ETag: etag(project.version) },
        body: project,
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/projects/:id',
    tags,
    summary: 'One project, optionally with its children',
    description:
      'Owner, editor or viewer of the project (docs/collaboration.md); anyone else: 404. ' +
      '`include` embeds any of `stories`, `images`, `drawings` under those keys, each in list order: at ' +
      `most the first ${projects.INCLUDE_LIMIT} of each kind. The project's \`counts\` tell whether there ` +
      'are more (`counts.stories > 200`); the list routes (`GET /api/stories?projectId=…&page=…`, likewise ' +
      'images and drawings) page through all of them. With `If-None-Match` naming the current `ETag` (or ' +
      "`*`) the answer is 304 without a body — except with `include`: the ETag is the project's version, " +
      'which its children do not move, so an answer that embeds them is always 200.',
    auth: 'required',
    params: idParams,
    query: IncludeQuery,
    response: { status: 200, schema: ProjectWithChildrenSchema, headers: ETAG_HEADER },
    handler: async ({ userId, params, query }) => {
      const include = query.include ?? [];
      const project = await projects.getProject(ctx, userId, params.id, include);
      return {
        headers: { ETag: etag(project.version) },
        body: project,
        conditional: include.length === 0,
      };
    },
  }),
  defineRoute({
    method: 'put',
    path: '/api/projects/:id',
    tags,
    summary: "Change any subset of a project's writable fields",
    description:
      'Owner or editor of the project (a viewer: 403 `FORBIDDEN`; anyone else: 404). ' +
      'Each PUT makes a new version (version + 1) with a snapshot. `coverImageId` must be one of the ' +
      "project's own images, or null. `settings` count against the owner's storage by their UTF-8 bytes " +
      "(`{}`: 0): growing past the plan's limit → 403 `STORAGE_QUOTA_EXCEEDED`, nothing changes.",
    auth: 'required',
    params: idParams,
    body: UpdateProjectBody,
    ifMatch: true,
    response: { status: 200, schema: ProjectSchema, headers: ETAG_HEADER },
    errors: ['FORBIDDEN', 'STORAGE_QUOTA_EXCEEDED'],
    handler: async ({ userId, params, body, ifMatch }) => {
      const project = await projects.updateProject(ctx, userId, params.id, body, ifMatch);
      return { headers: { ETag: etag(project.version) }, body: project };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/projects/:id',
    tags,
    summary: 'Delete a project with its stories, images, drawings and their files',
    description:
      'Owner only (an editor or viewer: 403 `FORBIDDEN`; anyone else: 404). ' +
      'All in one transaction, with its version history; the stored files are deleted after the commit. ' +
      "Honours `If-Match` (412); someone else's project → 404.",
    auth: 'required',
    params: idParams,
    ifMatch: true,
    errors: ['FORBIDDEN'],
    response: { status: 204, description: 'Deleted' },
    handler: async ({ userId, params, ifMatch }) => {
      await projects.deleteProject(ctx, userId, params.id, ifMatch);
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/projects/:id/duplicate',
    tags,
    summary: 'Deep-copy a project (all or nothing)',
    description:
      'Owner, editor or viewer of the project (docs/collaboration.md); anyone else: 404. ' +
      'Copies the project with its stories, images, drawings and files in one transaction, titled ' +
      '"<title> (copy)" unless `title` is given (a long title is shortened to fit 200 characters). The copy ' +
      'starts its own history at version 1 and belongs to the caller, whatever their role on the source. The ' +
      "copied files and text count against the caller's storage quota: a copy " +
      'that would pass it answers 403 `STORAGE_QUOTA_EXCEEDED` and copies nothing.',
    auth: 'required',
    params: idParams,
    body: DuplicateProjectBody,
    response: { status: 201, schema: ProjectSchema, headers: ETAG_HEADER },
    errors: ['STORAGE_QUOTA_EXCEEDED'],
    handler: async ({ userId, params, body }) => {
      const copy = await projects.duplicateProject(ctx, userId, params.id, body);
      return {
        status: 201,
        headers: { Location: `/api/projects/${copy.id}`, ETag: etag(copy.version) },
        body: copy,
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/projects/:id/versions',
    tags,
    summary: "A project's versions, newest first",
    description:
      'Owner, editor or viewer of the project (docs/collaboration.md); anyone else: 404. ' +
      'Includes version 1 (the creation). `changedBy` names who made each version (the owner or an editor).',
    auth: 'required',
    params: idParams,
    query: pageQuery,
    response: { status: 200, schema: ProjectVersionListSchema },
    handler: async ({ userId, params, query }) => {
      const { rows, total } = await projects.listVersions(ctx, userId, params.id, query);
      return { body: page(rows, total, query.page, query.limit) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/projects/:id/versions/:version',
    tags,
    summary: "A project's fields as they were at one version",
    description:
      'Owner, editor or viewer of the project (docs/collaboration.md); anyone else: 404. ' +
      '`snapshot` holds the fields then and `changedFields` what that version changed. A version the ' +
      "project never had, or someone else's project → 404.",
    auth: 'required',
    params: VersionParams,
    response: { status: 200, schema: ProjectVersionSchema },
    handler: async ({ userId, params }) => ({
      body: await projects.getVersion(ctx, userId, params.id, params.version),
    }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/projects/:id/versions/:version/restore',
    tags,
    summary: "Make a past version's fields current, as a new version",
    description:
      'Owner or editor of the project (a viewer: 403 `FORBIDDEN`; anyone else: 404). ' +
      "Honours `If-Match` (the current version). A cover image that is no longer one of the project's " +
      'images is not restored (the cover becomes null).',
    auth: 'required',
    params: VersionParams,
    ifMatch: true,
    response: { status: 200, schema: ProjectSchema, headers: ETAG_HEADER },
    errors: ['FORBIDDEN', 'STORAGE_QUOTA_EXCEEDED'],
    handler: async ({ userId, params, ifMatch }) => {
      const project = await projects.restoreVersion(ctx, userId, params.id, params.version, ifMatch);
      return { headers: { ETag: etag(project.version) }, body: project };
    },
  }),
];
