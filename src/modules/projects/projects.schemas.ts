import Joi from 'joi';
import { component, inputObject, jsonObject, listOf, pagination, timestamp, uuid } from '../../http/schemas';

export const PROJECT_STATUSES = ['draft', 'in_progress', 'completed', 'archived'] as const;
export const PROJECT_SORTS = [
  'updatedAt',
  '-updatedAt',
  'createdAt',
  '-createdAt',
  'title',
  '-title',
] as const;
export const PROJECT_INCLUDES = ['stories', 'images', 'drawings'] as const;
/** The caller's role on a project (docs/collaboration.md). */
export const PROJECT_ROLES = ['owner', 'editor', 'viewer'] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];
export type ProjectSort = (typeof PROJECT_SORTS)[number];
export type ProjectInclude = (typeof PROJECT_INCLUDES)[number];
export type ProjectRoleFilter = (typeof PROJECT_ROLES)[number];

/** Limits the contract names (title, description, tags, settings) and the ones chosen here (category). */
export const LIMITS = {
  titleChars: 200,
  descriptionChars: 5000,
  categoryChars: 50,
  tags: 20,
  tagChars: 40,
  settingsBytes: 64 * 1024,
  searchChars: 200,
} as const;

const title = Joi.string().trim().min(1).max(LIMITS.titleChars);
const description = Joi.string().max(LIMITS.descriptionChars).allow('', null);
const category = Joi.string().trim().min(1).max(LIMITS.categoryChars).allow(null);
const status = Joi.string().valid(...PROJECT_STATUSES);
const tags = Joi.array()
  .items(Joi.string().trim().min(1).max(LIMITS.tagChars))
  .max(LIMITS.tags)
  .unique()
  .description(`Up to ${LIMITS.tags} distinct tags of 1..${LIMITS.tagChars} characters`);
const settings = jsonObject(LIMITS.settingsBytes).description(
  'Free JSON for the SPA (page size, style, age group…), at most 64 KB',
);

export interface CreateProjectInput {
  title: string;
  description?: string | null;
  category?: string | null;
  status?: ProjectStatus;
  tags?: string[];
  settings?: Record<string, unknown>;
}

/** What `CreateProjectBody` validates to: `title` is there unless `templateId` is. */
export interface CreateProjectBodyInput extends Partial<CreateProjectInput> {
  templateId?: string;
}

/** What `UpdateProjectBody` validates to: any of the writable fields, at least one. */
export interface UpdateProjectInput extends Partial<CreateProjectInput> {
  coverImageId?: string | null;
}

export interface DuplicateProjectInput {
  title?: string;
}

export interface ListProjectsInput {
  /** Absent with `cursor`; the service reads it as 1 when neither is given. */
  page?: number;
  limit: number;
  /** The `nextCursor` of an earlier page (keyset pagination); opaque, decoded by the service. */
  cursor?: string;
  q?: string;
  status?: ProjectStatus;
  category?: string;
  tag?: string;
  role?: ProjectRoleFilter;
  sort: ProjectSort;
}

export interface IncludeInput {
  /** The comma-separated names, split and deduplicated by the schema. */
  include?: ProjectInclude[];
}

export interface VersionParamsInput {
  id: string;
  version: number;
}

/**
 * With `templateId` the project is made from the template (templates.service `useTemplate`): `title` may
 * then be left out (the template's title), and the fields given override the template's.
 */
export const CreateProjectBody = Joi.object<CreateProjectBodyInput, true>({
  title: title.description("Required unless `templateId` is given (then default: the template's title)"),
  description,
  category,
  status,
  tags,
  settings,
  templateId: uuid.description(
    'Start as a copy of this template (counts a use; a premium template needs the plan). ' +
      'Same as `POST /api/templates/{id}/use`',
  ),
}).custom((value, helpers) =>
  value.title === undefined && value.templateId === undefined
    ? helpers.error('any.required', { label: 'title', key: 'title' }, {
        ...helpers.state,
        path: ['title'],
      } as Joi.State)
    : value,
);

export const UpdateProjectBody = Joi.object<UpdateProjectInput, true>({
  title,
  description,
  category,
  status,
  tags,
  settings,
  coverImageId: uuid.allow(null).description("One of the project's own images, or null"),
})
  .min(1)
  .messages({ 'object.min': 'the body must name at least one field to change' });

export const DuplicateProjectBody = Joi.object<DuplicateProjectInput, true>({
  title: title.description('The copy\'s title; default "<title> (copy)"'),
});

/** Longest `cursor` accepted: a sort key (a title of 200 characters at most), an id and a few numbers. */
export const CURSOR_MAX_CHARS = 1200;

export const ListProjectsQuery = Joi.object<ListProjectsInput, true>({
  ...pagination,
  // No default here: `page` and `cursor` exclude each other, so an absent page must stay absent.
  page: Joi.number()
    .integer()
    .min(1)
    .max(1_000_000)
    .description('Page number (default 1). Not with `cursor`'),
  cursor: Joi.string()
    .max(CURSOR_MAX_CHARS)
    .pattern(/^[A-Za-z0-9_-]+$/)
    .description(
      "Keyset pagination: the `nextCursor` of the page before. The page starts right after that page's " +
        'last project in this `sort` (no rows are skipped or repeated when projects are added or removed ' +
        'meanwhile), and costs the same however far the client has scrolled. Opaque; pass it back ' +
        'unchanged with the same `sort` and filters. Not with `page` (400)',
    ),
  q: Joi.string()
    .trim()
    .min(1)
    .max(LIMITS.searchChars)
    .description('Case-insensitive text found in the title or description'),
  status,
  category: Joi.string().trim().min(1).max(LIMITS.categoryChars).description('Exact category'),
  tag: Joi.string().trim().min(1).max(LIMITS.tagChars).description('Projects carrying this exact tag'),
  role: Joi.string()
    .valid(...PROJECT_ROLES)
    .description(
      'Only the projects where the caller has this role: `owner` (their own), `editor` or `viewer` (shared ' +
        'with them). Default: all of them',
    ),
  sort: Joi.string()
    .valid(...PROJECT_SORTS)
    .default('-updatedAt'),
})
  .oxor('page', 'cursor')
  .messages({ 'object.oxor': '`page` and `cursor` cannot be used together' });

export const IncludeQuery = inputObject<IncludeInput>({
  // Bounded like any input: the three names, commas and spaces fit many times over.
  include: Joi.string()
    .max(100)
    .custom((value: string, helpers) => {
      const parts = value.split(',').map((part) => part.trim());
      if (parts.some((part) => !(PROJECT_INCLUDES as readonly string[]).includes(part))) {
        return helpers.error('any.only', { valids: PROJECT_INCLUDES });
      }
      return [...new Set(parts)];
    })
    .description(
      'Comma-separated children to embed: any of `stories`, `images`, `drawings`; at most the first 200 ' +
        'of each (compare `counts`; page through the rest with the list routes and `projectId`)',
    ),
});

export const VersionParams = Joi.object<VersionParamsInput, true>({
  id: uuid.required(),
  version: Joi.number().integer().min(1).max(2_147_483_647).required(),
});

const counts = Joi.object({
  stories: Joi.number().integer().min(0).required(),
  images: Joi.number().integer().min(0).required(),
  drawings: Joi.number().integer().min(0).required(),
});

const projectFields = {
  id: uuid.required(),
  ownerId: uuid
    .required()
    .description("The project's owner: its stories, images and drawings count against their storage"),
  role: Joi.string()
    .valid(...PROJECT_ROLES)
    .required()
    .description(
      "The caller's role: `owner`, or `editor`/`viewer` of a project shared with them (docs/collaboration.md)",
    ),
  title: Joi.string().required(),
  description: Joi.string().allow(null).required(),
  category: Joi.string().allow(null).required(),
  status: Joi.string()
    .valid(...PROJECT_STATUSES)
    .required(),
  tags: Joi.array().items(Joi.string()).required(),
  settings: Joi.object().unknown(true).required(),
  coverImageId: uuid.allow(null).required(),
  version: Joi.number().integer().min(1).required(),
  counts: counts.required(),
  createdAt: timestamp.required(),
  updatedAt: timestamp.required(),
};

export const ProjectSchema = component('Project', Joi.object(projectFields));

/** How a child kind appears in a project under `include=<name>`: its items' schema and a line for the document. */
export interface ProjectChildResponse {
  name: ProjectInclude;
  items: Joi.Schema;
  description: string;
}

/**
 * The project with its children, built from the children listed in modules/index.ts (in that order), so
 * projects names no child module: each child brings its own response schema.
 */
export function projectWithChildrenSchema(children: readonly ProjectChildResponse[]): Joi.ObjectSchema {
  return component(
    'ProjectWithChildren',
    Joi.object({
      ...projectFields,
      ...Object.fromEntries(
        children.map((child) => [child.name, Joi.array().items(child.items).description(child.description)]),
      ),
    }),
  );
}

/** The list's pagination: the usual fields and `nextCursor`. */
export const ProjectPagination = component(
  'ProjectPagination',
  Joi.object({
    page: Joi.number().integer().required(),
    limit: Joi.number().integer().required(),
    total: Joi.number().integer().required(),
    totalPages: Joi.number().integer().required(),
    nextCursor: Joi.string()
      .allow(null)
      .required()
      .description(
        'Pass as `cursor` for the page after this one; null when this is the last page. With `cursor`, ' +
          '`page` is the page this would be at this `limit`, counted when the first cursor was made',
      ),
  }),
);

export const ProjectListSchema = Joi.object({
  data: Joi.array().items(ProjectSchema).required(),
  pagination: ProjectPagination.required(),
});

const snapshot = Joi.object({
  title: Joi.string().required(),
  description: Joi.string().allow(null).required(),
  category: Joi.string().allow(null).required(),
  status: Joi.string()
    .valid(...PROJECT_STATUSES)
    .required(),
  tags: Joi.array().items(Joi.string()).required(),
  settings: Joi.object().unknown(true).required(),
  coverImageId: uuid.allow(null).required(),
});

const changedBy = Joi.object({
  id: uuid.required(),
  displayName: Joi.string().allow(null).required(),
})
  .allow(null)
  .description('Who made this version (the owner or an editor); null once their account is deleted');

export const ProjectVersionSummarySchema = component(
  'ProjectVersionSummary',
  Joi.object({
    version: Joi.number().integer().min(1).required(),
    createdAt: timestamp.required(),
    changedFields: Joi.array()
      .items(Joi.string())
      .required()
      .description('Fields whose value this version changed (version 1: every field)'),
    changedBy: changedBy.required(),
  }),
);

export const ProjectVersionSchema = component(
  'ProjectVersion',
  Joi.object({
    version: Joi.number().integer().min(1).required(),
    createdAt: timestamp.required(),
    changedFields: Joi.array().items(Joi.string()).required(),
    changedBy: changedBy.required(),
    snapshot: snapshot.required().description("The project's writable fields as they were at this version"),
  }),
);

export const ProjectVersionListSchema = listOf(ProjectVersionSummarySchema);
