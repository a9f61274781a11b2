import { ConfigError } from '../src/config';
import { MigrationError } from '../src/db/migrate';

/**
 * Runs a command-line script's `main` and exits: with the code it returns (0 when it returns nothing), or 1
 * when it throws. An operator's mistake (configuration, a migration) prints its message alone; anything
 * else prints its stack. The explicit exit matters: prom-client, PGlite or a mailer may leave handles open
 * after the work is done.
 */
export function runScript(main: () => Promise<number | void>): void {
  main().then(
    (code) => process.exit(code ?? 0),
    (error: unknown) => {
      console.error(error instanceof ConfigError || error instanceof MigrationError ? error.message : error);
      process.exit(1);
    },
  );
}
