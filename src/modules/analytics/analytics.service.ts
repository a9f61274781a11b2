import type { Database } from '../../db/database';
import { insertEvents } from './analytics.queries';

/** Event types the server records itself. */
export type ServerEventType =
  | 'user.registered'
  | 'user.login'
  | 'user.password_reset'
  | 'project.created'
  | 'story.created'
  | 'image.created'
  | 'drawing.created'
  | 'template.used'
  | 'export.created'
  | 'plan.changed';

/**
 * Records a server-side event in the caller's transaction: the event exists exactly when its action
 * committed, and it costs one small indexed INSERT on a connection the request already holds.
 */
export async function recordEvent(
  db: Database,
  event: {
    userId: string;
    type: ServerEventType;
    projectId?: string | null;
    properties?: Record<string, unknown>;
  },
): Promise<void> {
  await insertEvents(db, [{ ...event, source: 'server' }]);
}
