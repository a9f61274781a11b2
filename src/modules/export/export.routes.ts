import type { AppContext, RouteModule } from '../../context';
import { defineRoute } from '../../http/route';
import { idParams } from '../../http/schemas';
import { createExportLimits, EXPORTS_PER_USER } from './export.limits';
import { ClientGoneError } from './export.render';
import { ExportBody, PreflightQuery, PreflightSchema } from './export.schemas';
import * as exporter from './export.service';

const tags = ['Projects'];

const WARNINGS_NOTE =
  '`X-Export-Warnings` counts the warnings the preflight reports for the same options (low DPI, ' +
  'page count outside paperback limits).';

/** `limits`: the render slots and per-user places, built once per app (a parameter keeps this a list). */
export const exportRoutes: RouteModule = (ctx: AppContext, limits = createExportLimits(ctx)) => [
  defineRoute({
    method: 'post',
    path: '/api/projects/:id/export',
    tags,
    summary: 'Export the project as a print-ready coloring book (PDF)',
    description:
      'Owner, editor or viewer of the project (docs/collaboration.md); anyone else: 404. ' +
      'Streams a PDF: a title page, then the `page` images by `position` (each fitted into the safe area ' +
      'without distortion, followed by the drawings made on it), story text before its first page ' +
      '(`includeStories`), the other drawings, page numbers, and the title and author in its metadata. ' +
      'Every page has a TrimBox and a BleedBox; with `bleed` the page is 0.125 in larger on the top, bottom ' +
      'and outer edge. The page count is always even. See docs/export.md for the layout rules. ' +
      'No project → 404; no coloring page → 400 `EMPTY_PROJECT`; a printed file missing from the store → ' +
      '409 `FILE_MISSING` with its `imageId` (or `drawingId`) and `missing`, the whole list. Every file ' +
      'is checked before the first byte, so the answer is a whole PDF or a problem; if a file still ' +
      'fails mid-stream the connection is cut, never a short PDF. Not replayable: `Idempotency-Key` is ' +
      'not honoured here (a stream has nothing to replay; repeating the request exports again). ' +
      `Renders are bounded: at most \`EXPORT_CONCURRENCY\` at once per server process (default 1); the ` +
      'rest wait in order for a slot, at most `EXPORT_QUEUE_TIMEOUT_MS` (default 30 s), else 503 ' +
      '`SERVICE_UNAVAILABLE` with `Retry-After` (also at once when 10 per slot are already waiting). A user ' +
      `may have ${EXPORTS_PER_USER} exports in progress (waiting or rendering); the next one → 429 ` +
      '`RATE_LIMITED` with `Retry-After`. See docs/export.md. ' +
      WARNINGS_NOTE,
    auth: 'required',
    params: idParams,
    body: ExportBody,
    idempotent: false,
    response: {
      status: 200,
      description: 'The PDF, streamed',
      content: { 'application/pdf': { type: 'string', format: 'binary' } },
      headers: {
        'Content-Disposition': {
          description: '`attachment` with the file name made from the project title',
        },
        'X-Export-Warnings': {
          description: 'How many preflight warnings the book has (0 when none)',
          schema: { type: 'string', pattern: '^[0-9]+$' },
        },
        'X-Export-Page-Count': {
          description: 'The number of pages in the PDF',
          schema: { type: 'string', pattern: '^[0-9]+$' },
        },
      },
    },
    errors: ['EMPTY_PROJECT', 'FILE_MISSING'],
    handler: async ({ userId, params, body, res }) => {
      const { format: _format, ...options } = body;
      const freePlace = limits.claimUserPlace(userId);
      let releaseSlot: (() => void) | undefined;
      try {
        // The checks run in the slot too: a file deleted while the export waited is a 409, not a cut PDF.
        releaseSlot = await limits.renderSlot(res);
        const { book, warningCount } = await exporter.prepareExport(ctx, userId, params.id, options);
        await exporter.recordExport(ctx, userId, book, warningCount);
        res.status(200);
        res.setHeader('Content-Type', 'application/pdf');
        res.setHeader('Content-Disposition', exporter.contentDisposition(book.info.title));
        res.setHeader('X-Export-Warnings', String(warningCount));
        res.setHeader('X-Export-Page-Count', String(book.layout.pageCount));
        await exporter.streamExport(ctx, userId, book, res);
      } catch (error) {
        // The client left: nothing to answer and nothing went wrong on our side.
        if (error instanceof ClientGoneError) return;
        throw error;
      } finally {
        releaseSlot?.();
        freePlace();
      }
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/projects/:id/export/preflight',
    tags,
    summary: 'Check a project before exporting it',
    description:
      'Owner, editor or viewer of the project (docs/collaboration.md); anyone else: 404. ' +
      'What the export would print with the same options: the page count (always even), the paperback ' +
      'spine width (0.0025 in per page), binding fit, the margins, and for every page that prints an image ' +
      'its effective DPI at the trim size with its warnings (`LOW_DPI` under 300 DPI, `FILE_MISSING`). ' +
      'Problems the export refuses (no coloring page, missing files) are reported here as warnings, not ' +
      'errors. ' +
      WARNINGS_NOTE,
    auth: 'required',
    params: idParams,
    query: PreflightQuery,
    response: { status: 200, schema: PreflightSchema },
    handler: async ({ userId, params, query }) => ({
      body: await exporter.preflight(ctx, userId, params.id, query),
    }),
  }),
];
