/**
 * npm run db:check — compares what the database keeps by bookkeeping with what its rows say (storage use,
 * sharing; src/db/consistency.ts) and prints every difference. Exits 0 when there is none, 1 otherwise.
 * Read-only and cheap (one query per check), so it is safe to run while servers serve requests; a
 * difference seen once may be a write in flight, one seen twice is drift (docs/operations.md).
 */
import { consistencyProblems } from '../src/db/consistency';
import { runScript, withCurrentDatabase } from './run-script';

function main(): Promise<number> {
  return withCurrentDatabase('info', async ({ logger, db }) => {
    const problems = await consistencyProblems(db);
    for (const problem of problems) logger.error(`db:check ${problem.check}: ${problem.detail}`);
    logger.info(problems.length ? `db:check: ${problems.length} problem(s)` : 'db:check: consistent');
    return problems.length ? 1 : 0;
  });
}

runScript(main);
