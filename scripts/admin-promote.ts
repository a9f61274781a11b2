/**
 * npm run admin:promote -- <email>            makes the account with this email an admin
 * npm run admin:promote -- --demote <email>   makes it a plain user again
 *
 * The role is read from the database on every admin request, so the change applies at once, also to
 * access tokens already issued. On the embedded database, stop the server first (PGlite serves one process).
 */
import { setRoleByEmail } from '../src/modules/users/users.service';
import { runScript, withCurrentDatabase } from './run-script';

const USAGE = 'usage: npm run admin:promote -- [--demote] <email>';

async function main(argv: string[]): Promise<number> {
  const demote = argv.includes('--demote');
  const rest = argv.filter((arg) => arg !== '--demote');
  if (rest.length !== 1 || rest[0].startsWith('-')) {
    console.error(USAGE);
    return 2;
  }
  return withCurrentDatabase('warn', async ({ config, db }) => {
    const user = await setRoleByEmail(db, config, rest[0], demote ? 'user' : 'admin');
    if (!user) {
      console.error(`no account with the email ${rest[0]}`);
      return 1;
    }
    console.log(`${user.email} (${user.id}) is now ${user.role === 'admin' ? 'an admin' : 'a plain user'}`);
    return 0;
  });
}

runScript(() => main(process.argv.slice(2)));
