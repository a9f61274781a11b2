import { useTestApp } from '../helpers/app';
import { streamExportSuite } from './stream-export-suite';

/**
 * stream-export-suite.ts with SYNC_NOTIFY=poll (PostgreSQL behind a pooler in transaction mode, where LISTEN
 * does not work): the poll sees the jobs' latest change and the stream reads them.
 */
const t = useTestApp({ worker: true, env: { SYNC_NOTIFY: 'poll' } });

streamExportSuite(t, {
  title:
    'when the streams poll instead of listening, then the job states still arrive as event: export up to succeeded',
  poll: true,
});
