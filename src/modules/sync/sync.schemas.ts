import Joi from 'joi';
import { component, timestamp, uuid } from '../../http/schemas';
import { DrawingSchema } from '../drawings/drawings.schemas';
import { ImageSchema } from '../images/images.schemas';
import { ProjectSchema } from '../projects/projects.schemas';
import { StorySchema } from '../stories/stories.schemas';
import { UserSchema } from '../users/users.schemas';
import { CHANGE_KINDS, CURSOR_MAX_LENGTH } from './sync.service';

export const SYNC_LIMITS = { defaultLimit: 500, maxLimit: 1000 } as const;

export interface SyncChangesInput {
  since?: string;
  limit: number;
}

export const SyncChangesQuery = Joi.object<SyncChangesInput, true>({
  since: Joi.string()
    .max(CURSOR_MAX_LENGTH)
    .description(
      'The `cursor` of an earlier answer: what changed after it. Absent: the full state. Opaque; a string ' +
        'this server did not hand out → 400, one older than the retained log → 410 `CURSOR_EXPIRED`',
    ),
  limit: Joi.number()
    .integer()
    .min(1)
    .max(SYNC_LIMITS.maxLimit)
    .default(SYNC_LIMITS.defaultLimit)
    .description('At most this many changes in the answer'),
});

export const ChangeSchema = component(
  'Change',
  Joi.object({
    kind: Joi.string()
      .valid(...CHANGE_KINDS)
      .required(),
    id: uuid.required(),
    projectId: uuid
      .allow(null)
      .required()
      .description("The resource's project (a project's own id); null for the user"),
    op: Joi.string().valid('upsert', 'delete').required(),
    version: Joi.number()
      .integer()
      .min(1)
      .allow(null)
      .required()
      .description(
        'The version of a project, story or drawing (as its `ETag`); null otherwise and for a delete',
      ),
    data: Joi.alternatives()
      .try(UserSchema, ProjectSchema, StorySchema, ImageSchema, DrawingSchema, Joi.valid(null))
      .required()
      .description(
        "The resource exactly as its own GET answers it (a project with the caller's `role`; images and " +
          'drawings with fresh signed URLs); null for a delete',
      ),
    changedAt: timestamp
      .required()
      .description('When the change was written (the full state: when it was read)'),
  }),
);

export const ChangesPageSchema = component(
  'ChangesPage',
  Joi.object({
    changes: Joi.array()
      .items(ChangeSchema)
      .required()
      .description('In commit order; each resource at most once'),
    cursor: Joi.string()
      .max(CURSOR_MAX_LENGTH)
      .required()
      .description('Pass as `since` for what changed after this answer'),
    hasMore: Joi.boolean().required().description('More is ready now: pull again at once with `cursor`'),
  }),
);
