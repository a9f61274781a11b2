/**
 * npm run admin:promote -- <email>            makes the account with this email an admin
 * npm run admin:promote -- --demote <email>   makes it a plain user again
 *
 * The role is read from the database on every admin request, so the change applies at once, also to
 * access tokens already issued. On the embedded database, stop the server first (PGlite serves one process).
 */
import dotenv from 'dotenv';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db';
import { pendingMigrations } from '../src/db/migrate';
import { createLogger } from '../src/lib/logger';
import { setRoleByEmail } from '../src/modules/users/users.service';
import { runScript } from './run-script';

const USAGE = 'usage: npm run admin:promote -- [--demote] <email>';

async function main(argv: string[]): Promise<number> {
  const demote = argv.includes('--demote');
  const rest = argv.filter((arg) => arg !== '--demote');
  if (rest.length !== 1 || rest[0].startsWith('-')) {
    console.error(USAGE);
    return 2;
  }
  dotenv.config({ quiet: true });
  const config = loadConfig();
  const logger = createLogger({ level: 'warn', json: config.isProduction });
  const db = await openDatabase(config, logger);
  try {
    const pending = await pendingMigrations(db);
    if (pending.length > 0) {
      console.error(`migrations are pending (${pending.join(', ')}); run npm run migrate first`);
      return 1;
    }
    const user = await setRoleByEmail(db, config, rest[0], demote ? 'user' : 'admin');
    if (!user) {
      console.error(`no account with the email ${rest[0]}`);
      return 1;
    }
    console.log(`${user.email} (${user.id}) is now ${user.role === 'admin' ? 'an admin' : 'a plain user'}`);
    return 0;
  } finally {
    await db.close();
  }
}

runScript(() => main(process.argv.slice(2)));
