import Joi from 'joi';
import type { RouteModule } from '../context';
import { accountEmailRoutes } from './account/account-email.routes';
import { queueVerificationMail } from './account/account-email.service';
import { accountRoutes } from './account/account.routes';
import { analyticsRoutes } from './analytics/analytics.routes';
import { apiKeyRoutes } from './api-keys/api-keys.routes';
import { archiveJobRoutes } from './archive/archive-jobs.routes';
import { authRoutes } from './auth/auth.routes';
import { billingRoutes } from './billing/billing.routes';
import { docsRoutes } from './docs/docs.routes';
import { drawingRoutes } from './drawings/drawings.routes';
import { drawingsChild } from './drawings/drawings.service';
import { exportJobRoutes } from './export/export-jobs.routes';
import { exportRoutes } from './export/export.routes';
import { fileRoutes } from './files/files.routes';
import { imageRoutes } from './images/images.routes';
import { imageIsProjectCover, imagesChild } from './images/images.service';
import { projectRoutes } from './projects/projects.routes';
import { registerProjectChild, setCoverImageCheck, type ProjectChild } from './projects/projects.service';
import { sharingRoutes } from './sharing/sharing.routes';
import { syncStreamRoutes } from './sync/sync-stream.routes';
import { syncRoutes } from './sync/sync.routes';
import { storyRoutes } from './stories/stories.routes';
import { StorySchema } from './stories/stories.schemas';
import { storiesChild } from './stories/stories.service';
import { templateRoutes } from './templates/templates.routes';
import { useTemplate } from './templates/templates.service';
import { userRoutes } from './users/users.routes';

/**
 * A project's children, all of them and only here: what `include=` embeds (in this order, with each one's
 * response schema), what a duplicate copies and what a project's delete cleans up (in `order`). The child
 * modules import projects; projects learns of them from this list, never by being imported.
 */
const projectChildren: { child: ProjectChild; items: Joi.Schema; description: string }[] = [
  { child: storiesChild, items: StorySchema, description: 'With `include=stories`, ordered by position' },
  {
    child: imagesChild,
    items: Joi.object().unknown(true),
    description: 'With `include=images` (`Image` objects)',
  },
  {
    child: drawingsChild,
    items: Joi.object().unknown(true),
    description: 'With `include=drawings` (`Drawing` objects)',
  },
];
for (const { child } of projectChildren) registerProjectChild(child);
setCoverImageCheck(imageIsProjectCover);

/** Every feature module's routes, in mounting order. */
export const featureModules: RouteModule[] = [
  authRoutes({
    inRegister: queueVerificationMail,
    afterRegister: (ctx) => ctx.mailer.wake(),
  }),
  accountEmailRoutes,
  docsRoutes,
  userRoutes,
  accountRoutes,
  apiKeyRoutes,
  analyticsRoutes,
  projectRoutes({
    children: projectChildren.map(({ child, items, description }) => ({
      name: child.name,
      items,
      description,
    })),
    useTemplate,
  }),
  sharingRoutes,
  storyRoutes,
  imageRoutes,
  drawingRoutes,
  billingRoutes,
  fileRoutes,
  templateRoutes,
  exportRoutes,
  exportJobRoutes,
  archiveJobRoutes,
  syncRoutes,
  syncStreamRoutes,
];
