import type { RouteModule } from '../context';
import { accountEmailRoutes } from './account/account-email.routes';
import { queueVerificationMail } from './account/account-email.service';
import { accountRoutes } from './account/account.routes';
import { analyticsRoutes } from './analytics/analytics.routes';
import { apiKeyRoutes } from './api-keys/api-keys.routes';
import { authRoutes } from './auth/auth.routes';
import { billingRoutes } from './billing/billing.routes';
import { docsRoutes } from './docs/docs.routes';
import { drawingRoutes } from './drawings/drawings.routes';
import { exportRoutes } from './export/export.routes';
import { fileRoutes } from './files/files.routes';
import { imageRoutes } from './images/images.routes';
import { projectRoutes } from './projects/projects.routes';
import { storyRoutes } from './stories/stories.routes';
import { templateRoutes } from './templates/templates.routes';
import { userRoutes } from './users/users.routes';

/** Every feature module's routes, in mounting order. */
export const featureModules: RouteModule[] = [
  authRoutes({ afterRegister: queueVerificationMail }),
  accountEmailRoutes,
  docsRoutes,
  userRoutes,
  accountRoutes,
  apiKeyRoutes,
  analyticsRoutes,
  projectRoutes,
  storyRoutes,
  imageRoutes,
  drawingRoutes,
  billingRoutes,
  fileRoutes,
  templateRoutes,
  exportRoutes,
];
