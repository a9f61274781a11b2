import type { AppContext, RouteModule } from '../../context';
import { defineRoute } from '../../http/route';
import { idParams, page, pageQuery } from '../../http/schemas';
import { fileUpload, uploadedFile } from '../../http/uploads';
import * as jobs from './archive-jobs.service';
import {
  ArchiveJobListSchema,
  ArchiveJobSchema,
  ImportBody,
  ImportJobListSchema,
  ImportJobSchema,
} from './archive-jobs.schemas';

const tags = ['Your data'];

const ARCHIVE_FLOW =
  'The archive is written by a worker process (docs/jobs.md): `GET /api/users/me/archives/{id}` shows its ' +
  '`status` and `progress`; once `succeeded`, `url` downloads the ZIP until `expiresAt` (`EXPORT_RETENTION_H`, ' +
  'default 24 h). What the ZIP holds: docs/archive.md.';

const IMPORT_FLOW =
  'The import runs on a worker process: `GET /api/users/me/imports/{id}` shows its `status`, `progress` and ' +
  '`projectsImported`. An archive that is refused ends the job `failed` with `error` = `CODE: message` ' +
  '(`NOT_A_ZIP`, `UNSUPPORTED_FORMAT_VERSION`, `UNSAFE_PATH`, `ZIP_BOMB`, `MANIFEST_MISMATCH`, ' +
  '`INVALID_ARCHIVE`, `FILE_TYPE_MISMATCH`, `STORAGE_QUOTA_EXCEEDED`) and nothing of it is kept; the ' +
  'whole archive is checked before the first project is written.';

/**
 * The user's own archive and its import, as durable jobs (docs/archive.md). The worker's handlers and the
 * expired-job sweep are registered here too.
 */
export const archiveJobRoutes: RouteModule = (ctx: AppContext) => {
  ctx.jobs.handle<{ archiveId: string }>('archive', (job) => jobs.runArchiveJob(ctx, job));
  ctx.jobs.handle<{ archiveId: string }>('archive-dead', (job) => jobs.archiveJobDead(ctx, job));
  ctx.jobs.handle<{ importId: string }>('import', (job) => jobs.runImportJob(ctx, job));
  ctx.jobs.handle<{ importId: string }>('import-dead', (job) => jobs.importJobDead(ctx, job));
  ctx.maintenance.push({ name: 'expired-archives', run: () => jobs.purgeExpiredArchiveJobs(ctx) });
  const importLimit = ctx.config.storage.importMaxBytes;
  return [
    defineRoute({
      method: 'post',
      path: '/api/users/me/archives',
      tags,
      summary: 'Start an archive of everything the caller owns (one ZIP, made in the background)',
      description:
        'Answers at once with the queued job and `Location: /api/users/me/archives/{id}`. The ZIP holds ' +
        '`account.json`, one folder per owned project (`project.json` with its fields, versions, stories ' +
        'and drawings; image originals and drawing PNGs by id), the caller’s templates and ratings, and ' +
        '`manifest.json` (format version, counts, each entry’s SHA-256). Never a password hash, a token or ' +
        `an AI key. At most ${jobs.ACTIVE_ARCHIVES_PER_USER} archive queued or running per user; the next → ` +
        '429 `RATE_LIMITED` with `Retry-After`. ' +
        ARCHIVE_FLOW,
      auth: 'required',
      response: {
        status: 202,
        schema: ArchiveJobSchema,
        headers: { Location: { description: '`/api/users/me/archives/{id}`' } },
      },
      errors: ['RATE_LIMITED'],
      handler: async ({ userId }) => {
        const job = await jobs.startArchiveJob(ctx, userId);
        return { status: 202, body: job, headers: { Location: `/api/users/me/archives/${job.id}` } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/users/me/archives',
      tags,
      summary: "The caller's archive jobs, newest first",
      description: `Kept until \`expiresAt\`. ${ARCHIVE_FLOW}`,
      auth: 'required',
      query: pageQuery,
      response: { status: 200, schema: ArchiveJobListSchema },
      handler: async ({ userId, query }) => {
        const { rows, total } = await jobs.listArchiveJobs(ctx, userId, query);
        return { body: page(rows, total, query.page, query.limit) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/users/me/archives/:id',
      tags,
      summary: 'One archive job: its status, progress and download URL',
      description: `Only the caller's own; anyone else's: 404. ${ARCHIVE_FLOW}`,
      auth: 'required',
      params: idParams,
      response: { status: 200, schema: ArchiveJobSchema },
      handler: async ({ userId, params }) => ({ body: await jobs.getArchiveJob(ctx, userId, params.id) }),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/users/me/archives/:id',
      tags,
      summary: 'Cancel an archive job, or remove a finished one and its ZIP',
      description:
        'Only the caller’s own; anyone else’s: 404. A `queued` or `running` archive is canceled: nothing is ' +
        'stored, and the job stays, `canceled`, until `expiresAt`. A finished one is removed with its ZIP: a ' +
        'later GET is 404.',
      auth: 'required',
      params: idParams,
      response: { status: 204 },
      handler: async ({ userId, params }) => {
        await jobs.deleteJob(ctx, 'archive_jobs', userId, params.id);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/users/me/imports',
      tags,
      summary: 'Import an archive (a ZIP made by POST /api/users/me/archives) as new projects',
      description:
        'A `multipart/form-data` body with the ZIP in `file`, at most `IMPORT_MAX_BYTES` (default 512 MB; ' +
        'past it → 413). Answers at once with the queued job and `Location: /api/users/me/imports/{id}`. ' +
        'Each archived project becomes a new project of the caller (new ids, references re-pointed, versions ' +
        'and times kept), all or nothing per project, within the caller’s storage limit; the account’s own ' +
        'settings, templates and ratings are not changed. The archive may unpack to at most 20× ' +
        `\`IMPORT_MAX_BYTES\` and hold at most 10,000 entries. At most ${jobs.ACTIVE_IMPORTS_PER_USER} import ` +
        'queued or running per user; the next → 429 `RATE_LIMITED` (nothing is kept of its upload). ' +
        IMPORT_FLOW,
      auth: 'required',
      bodyKind: 'multipart',
      multipart: {
        files: {
          file: {
            required: true,
            description: 'A ColorBook archive (ZIP), at most IMPORT_MAX_BYTES (default 512 MB)',
          },
        },
      },
      body: ImportBody,
      before: [fileUpload(ctx, { maxFileBytes: importLimit, maxFields: 0, body: ImportBody })],
      response: {
        status: 202,
        schema: ImportJobSchema,
        headers: { Location: { description: '`/api/users/me/imports/{id}`' } },
      },
      errors: ['RATE_LIMITED'],
      handler: async ({ res, userId }) => {
        const job = await jobs.startImportJob(ctx, userId, uploadedFile(res)!);
        return { status: 202, body: job, headers: { Location: `/api/users/me/imports/${job.id}` } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/users/me/imports',
      tags,
      summary: "The caller's import jobs, newest first",
      description: `Kept until \`expiresAt\`. ${IMPORT_FLOW}`,
      auth: 'required',
      query: pageQuery,
      response: { status: 200, schema: ImportJobListSchema },
      handler: async ({ userId, query }) => {
        const { rows, total } = await jobs.listImportJobs(ctx, userId, query);
        return { body: page(rows, total, query.page, query.limit) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/users/me/imports/:id',
      tags,
      summary: 'One import job: its status, progress and the projects imported',
      description: `Only the caller's own; anyone else's: 404. ${IMPORT_FLOW}`,
      auth: 'required',
      params: idParams,
      response: { status: 200, schema: ImportJobSchema },
      handler: async ({ userId, params }) => ({ body: await jobs.getImportJob(ctx, userId, params.id) }),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/users/me/imports/:id',
      tags,
      summary: 'Cancel an import job, or remove a finished one',
      description:
        'Only the caller’s own; anyone else’s: 404. A `queued` or `running` import is canceled: it stops ' +
        'before its next project (the project being written is rolled back; those finished before stay) and ' +
        'its uploaded ZIP is deleted. A finished one is removed: a later GET is 404.',
      auth: 'required',
      params: idParams,
      response: { status: 204 },
      handler: async ({ userId, params }) => {
        await jobs.deleteJob(ctx, 'import_jobs', userId, params.id);
        return { status: 204 };
      },
    }),
  ];
};
