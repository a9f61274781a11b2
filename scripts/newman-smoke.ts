/**
 * npm run test:postman — starts the real server (src/server.ts `start`, embedded PGlite in a temporary
 * DATA_DIR, 127.0.0.1 on a free port), builds the Postman collection from the current code and runs the
 * whole of it with newman against it: the "Smoke flow" and every module folder (scripts/postman-flow.ts).
 * Exits non-zero when any request or test fails, or when the committed
 * postman/colorbook.postman_collection.json is not what `npm run postman` writes (the check CI relies on).
 * `npm run test:postman -- --folder Projects` runs one folder (each folder signs up its own user).
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../src/lib/paths';
import { start } from '../src/server';
import { buildPostmanCollection, COLLECTION_FILE, collectionText } from './postman';
import { runScript } from './run-script';

function runNewman(collectionFile: string, baseUrl: string, folders: string[]): Promise<number> {
  const bin = path.join(projectRoot, 'node_modules', 'newman', 'bin', 'newman.js');
  const args = [
    bin,
    'run',
    collectionFile,
    ...folders.flatMap((folder) => ['--folder', folder]),
    '--env-var',
    `baseUrl=${baseUrl}`,
    // The upload's file (SMOKE_IMAGE) is a path from the repository root.
    '--working-dir',
    projectRoot,
    '--color',
    'off',
    '--disable-unicode',
    '--timeout-request',
    '30000',
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** The `--folder <name>` arguments given to the script (none: the whole collection). */
function foldersFromArgs(argv: string[]): string[] {
  return argv.flatMap((arg, i) => (argv[i - 1] === '--folder' ? [arg] : []));
}

async function main(): Promise<number> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'colorbook-newman-'));
  const collection = await buildPostmanCollection();
  const text = await collectionText(collection);
  const committed = fs.existsSync(COLLECTION_FILE) ? fs.readFileSync(COLLECTION_FILE, 'utf8') : '';
  const outOfDate = committed !== text;
  if (outOfDate) {
    console.error(
      `${path.relative(process.cwd(), COLLECTION_FILE)} is out of date; run: npm run postman (and commit it)`,
    );
  }
  const collectionFile = path.join(work, 'collection.json');
  fs.writeFileSync(collectionFile, text);

  // The server as `npm start` runs it, on a throwaway embedded database and fresh secrets.
  const running = await start({
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: path.join(work, 'data'),
    JWT_SECRET: crypto.randomBytes(48).toString('base64url'),
    ENCRYPTION_KEYS: `smoke:${crypto.randomBytes(32).toString('base64')}`,
    LOG_LEVEL: 'warn',
    // Every folder signs up its own user and some sign in again: more than the default 10 a minute.
    AUTH_RATE_LIMIT: '1000',
  });
  try {
    const { port } = running.server.address() as AddressInfo;
    const code = await runNewman(
      collectionFile,
      `http://127.0.0.1:${port}`,
      foldersFromArgs(process.argv.slice(2)),
    );
    return code || (outOfDate ? 1 : 0);
  } finally {
    await running.shutdown('newman smoke done');
    fs.rmSync(work, { recursive: true, force: true });
  }
}

runScript(main);
