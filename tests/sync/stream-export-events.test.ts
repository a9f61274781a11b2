import { useTestApp } from '../helpers/app';
import { streamExportSuite } from './stream-export-suite';

/** Export jobs on the change stream, with notifications (NOTIFY colorbook_jobs): stream-export-suite.ts. */
const t = useTestApp({ worker: true });

streamExportSuite(t, {
  title:
    'when a user has a stream open and starts an export job, then its states arrive as event: export up to succeeded',
  poll: false,
});
