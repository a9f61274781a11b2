import Joi from 'joi';
import { component, listOf, pagination, timestamp, uuid } from '../../http/schemas';
import { ExportBody } from './export.schemas';

/** `POST /api/projects/:id/exports` takes the same options as the synchronous export. */
export const ExportJobBody = ExportBody;

export interface ExportJobQuery {
  projectId?: string;
  page: number;
  limit: number;
}

export const ExportJobQuery = Joi.object<ExportJobQuery, true>({
  projectId: uuid.description("Only this project's jobs"),
  ...pagination,
});

export const ExportJobSchema = component(
  'ExportJob',
  Joi.object({
    id: uuid.required(),
    projectId: uuid.required(),
    options: Joi.object({
      trimSize: Joi.string().required(),
      bleed: Joi.boolean().required(),
      includeStories: Joi.boolean().required(),
      blankBacks: Joi.boolean().required(),
    })
      .required()
      .description('The export options the job was started with (defaults filled in)'),
    status: Joi.string()
      .valid('queued', 'running', 'succeeded', 'failed', 'canceled')
      .required()
      .description(
        '`queued` → `running` → `succeeded`, `failed` (after 3 attempts, or at once when the book cannot be ' +
          'printed) or `canceled` (DELETE, or the project was deleted). A running job whose process died ' +
          'goes back to `running` on another process.',
      ),
    progress: Joi.number()
      .min(0)
      .max(1)
      .required()
      .description('Pages drawn / pages, 0..1; 1 only once `succeeded`'),
    pageCount: Joi.number().integer().min(0).allow(null).required(),
    warnings: Joi.array()
      .items(
        Joi.object({
          code: Joi.string().required(),
          message: Joi.string().required(),
          pageNumber: Joi.number().integer().min(1).description('The page the warning is about'),
        }),
      )
      .required()
      .description("The preflight's warnings for the book and its pages (low DPI, page count)"),
    error: Joi.string()
      .allow(null)
      .required()
      .description('Why it failed or was canceled (while retrying: the last attempt’s error)'),
    url: Joi.string()
      .uri()
      .allow(null)
      .required()
      .description(
        'A signed download URL of the PDF once `succeeded` (fresh on every GET), until `expiresAt`',
      ),
    sizeBytes: Joi.number().integer().min(0).allow(null).required(),
    createdAt: timestamp.required(),
    startedAt: timestamp.allow(null).required(),
    finishedAt: timestamp.allow(null).required(),
    expiresAt: timestamp
      .allow(null)
      .required()
      .description('When the file and this job are removed (`EXPORT_RETENTION_H` after it finished)'),
  }),
);

export const ExportJobListSchema = component('ExportJobList', listOf(ExportJobSchema));
