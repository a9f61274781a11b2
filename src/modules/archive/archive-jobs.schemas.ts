import Joi from 'joi';
import { component, listOf, timestamp, uuid } from '../../http/schemas';

const status = Joi.string()
  .valid('queued', 'running', 'succeeded', 'failed', 'canceled')
  .required()
  .description(
    '`queued` → `running` → `succeeded`, `failed` (with `error`) or `canceled` (DELETE). A running job whose ' +
      'process died is run again by another process (after its lease), up to 3 attempts.',
  );

const count = Joi.number().integer().min(0).required();

const common = {
  id: uuid.required(),
  status,
  progress: Joi.number()
    .min(0)
    .max(1)
    .required()
    .description('0..1 by the bytes written or read; 1 once ended'),
  error: Joi.string()
    .allow(null)
    .required()
    .description('Why it failed or was canceled (while retrying: the last attempt’s error)'),
  createdAt: timestamp.required(),
  startedAt: timestamp.allow(null).required(),
  finishedAt: timestamp.allow(null).required(),
  expiresAt: timestamp
    .allow(null)
    .required()
    .description('When this job (and its file) is removed: `EXPORT_RETENTION_H` after it ended'),
};

export const ArchiveJobSchema = component(
  'ArchiveJob',
  Joi.object({
    ...common,
    url: Joi.string()
      .uri()
      .allow(null)
      .required()
      .description(
        'A signed download URL of the ZIP once `succeeded` (fresh on every GET), until `expiresAt`',
      ),
    sizeBytes: Joi.number().integer().min(0).allow(null).required().description('The ZIP’s size'),
    sha256: Joi.string().hex().length(64).allow(null).required().description('Hex SHA-256 of the whole ZIP'),
    counts: Joi.object({
      projects: count,
      versions: count,
      stories: count,
      images: count,
      drawings: count,
      templates: count,
      ratings: count,
    })
      .allow(null)
      .required()
      .description('What the archive holds, once `succeeded`'),
  }),
);

export const ArchiveJobListSchema = component('ArchiveJobList', listOf(ArchiveJobSchema));

export const ImportJobSchema = component(
  'ImportJob',
  Joi.object({
    ...common,
    projectsImported: Joi.number()
      .integer()
      .min(0)
      .required()
      .description('Projects added to the account so far (each one all or nothing)'),
    sizeBytes: Joi.number().integer().min(0).required().description('The uploaded ZIP’s size'),
  }),
);

export const ImportJobListSchema = component('ImportJobList', listOf(ImportJobSchema));

/** A multipart form with only the file. */
export const ImportBody = Joi.object<Record<string, never>, true>({});
