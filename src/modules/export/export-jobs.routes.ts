import type { AppContext, RouteModule } from '../../context';
import { defineRoute } from '../../http/route';
import { idParams, page } from '../../http/schemas';
import * as jobs from './export-jobs.service';
import { ExportJobBody, ExportJobListSchema, ExportJobQuery, ExportJobSchema } from './export-jobs.schemas';

const tags = ['Exports'];

const JOB_FLOW =
  'The job runs on a worker process (docs/jobs.md): `GET /api/exports/{id}` (or `event: export` on ' +
  '`GET /api/sync/stream`) shows its `status` and `progress`; once `succeeded`, `url` downloads the PDF ' +
  'until `expiresAt` (`EXPORT_RETENTION_H`, default 24 h).';

/**
 * Durable export jobs (docs/export.md, "Export jobs"): start, follow, cancel. The worker's handlers and the
 * expired-file sweep are registered here too.
 */
export const exportJobRoutes: RouteModule = (ctx: AppContext) => {
  ctx.jobs.handle<{ exportId: string }>('export', (job) => jobs.runExportJob(ctx, job), {
    concurrency: ctx.config.export.concurrency,
  });
  ctx.jobs.handle<{ exportId: string }>('export-dead', (job) => jobs.exportJobDead(ctx, job));
  ctx.maintenance.push({ name: 'expired-exports', run: () => jobs.purgeExpiredExports(ctx) });
  return [
    defineRoute({
      method: 'post',
      path: '/api/projects/:id/exports',
      tags,
      summary: 'Start an export job (a print-ready PDF, rendered in the background)',
      description:
        'Owner, editor or viewer of the project (docs/collaboration.md); anyone else: 404. Takes the ' +
        'options of `POST /api/projects/{id}/export` and answers at once with the queued job and ' +
        '`Location: /api/exports/{jobId}`. The checks the export makes come first, as answers: no coloring ' +
        'page → 400 `EMPTY_PROJECT`, a printed file missing → 409 `FILE_MISSING`. A user may have ' +
        `${jobs.ACTIVE_JOBS_PER_USER} jobs queued or running; the next → 429 \`RATE_LIMITED\` with ` +
        '`Retry-After`. Renders run at most `EXPORT_CONCURRENCY` at once per worker process (shared with ' +
        'the synchronous export). A job whose process dies runs again elsewhere; after 3 failed attempts it ' +
        'is `failed` with a message. Deleting the project cancels its jobs. ' +
        JOB_FLOW,
      auth: 'required',
      params: idParams,
      body: ExportJobBody,
      response: {
        status: 202,
        schema: ExportJobSchema,
        headers: { Location: { description: '`/api/exports/{jobId}`' } },
      },
      errors: ['EMPTY_PROJECT', 'FILE_MISSING', 'RATE_LIMITED'],
      handler: async ({ userId, params, body }) => {
        const { format: _format, ...options } = body;
        const job = await jobs.startExportJob(ctx, userId, params.id, options);
        return { status: 202, body: job, headers: { Location: `/api/exports/${job.id}` } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/exports',
      tags,
      summary: "The caller's export jobs, newest first",
      description:
        'Jobs the caller started (whatever their role on the project), kept until `expiresAt`. `projectId` ' +
        "narrows the list to one project's jobs. " +
        JOB_FLOW,
      auth: 'required',
      query: ExportJobQuery,
      response: { status: 200, schema: ExportJobListSchema },
      handler: async ({ userId, query }) => {
        const { rows, total } = await jobs.listExportJobs(ctx, userId, query);
        return { body: page(rows, total, query.page, query.limit) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/exports/:id',
      tags,
      summary: 'One export job: its status, progress and download URL',
      description: `Only the job's starter; anyone else: 404. ${JOB_FLOW}`,
      auth: 'required',
      params: idParams,
      response: { status: 200, schema: ExportJobSchema },
      handler: async ({ userId, params }) => ({ body: await jobs.getExportJob(ctx, userId, params.id) }),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/exports/:id',
      tags,
      summary: 'Cancel an export job, or remove a finished one and its file',
      description:
        "Only the job's starter; anyone else: 404. A `queued` or `running` job is canceled: it never starts, " +
        'or its render stops at the next page and its partial file is removed; the job stays, `canceled`, ' +
        'until `expiresAt`. A finished job (`succeeded`, `failed`, `canceled`) is removed with its file: a ' +
        'later GET is 404.',
      auth: 'required',
      params: idParams,
      response: { status: 204 },
      handler: async ({ userId, params }) => {
        await jobs.deleteExportJob(ctx, userId, params.id);
        return { status: 204 };
      },
    }),
  ];
};
