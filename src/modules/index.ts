import type { RouteModule } from '../context';
import { authRoutes } from './auth/auth.routes';

/** Every feature module's routes, in mounting order. */
export const featureModules: RouteModule[] = [authRoutes];
