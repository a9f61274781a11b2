/**
 * npm run client:check (CI) — regenerates the client's types into a temporary file and diffs them with
 * the committed client/src/schema.d.ts. Fails when they differ: the API changed and `npm run
 * client:generate` was not run (and committed).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateClientTypes, SCHEMA_FILE } from './client-generate';
import { runScript } from './run-script';

async function main(): Promise<number> {
  const fresh = await generateClientTypes();
  const committed = fs.existsSync(SCHEMA_FILE) ? fs.readFileSync(SCHEMA_FILE, 'utf8') : '';
  if (fresh === committed) {
    console.log(`${path.relative(process.cwd(), SCHEMA_FILE)} is current`);
    return 0;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'colorbook-schema-'));
  const temp = path.join(dir, 'schema.d.ts');
  fs.writeFileSync(temp, fresh);
  const diff = spawnSync('diff', ['-u', '--label', 'committed', '--label', 'generated', SCHEMA_FILE, temp], {
    encoding: 'utf8',
  });
  fs.rmSync(dir, { recursive: true, force: true });
  const lines = (diff.stdout || '').split('\n');
  console.error(
    lines.slice(0, 80).join('\n') + (lines.length > 80 ? `\n… ${lines.length - 80} more lines` : ''),
  );
  console.error(
    `\n${path.relative(process.cwd(), SCHEMA_FILE)} is stale: the OpenAPI document changed. ` +
      'Run `npm run client:generate` and commit the result.',
  );
  return 1;
}

runScript(main);
