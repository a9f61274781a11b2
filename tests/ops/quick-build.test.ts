import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { killAll, serverDatabase, spawnServer, type OpsDatabase } from '../helpers/spawn-server';

/**
 * `npm start` compiles with scripts/quick-build.mjs (SWC, no type check) before `node <flags> dist/src/server.js`.
 * Its output must run as a server the way tsc's does: it listens, migrates, says ready, serves the API and
 * its document, and stops cleanly.
 */

const root = path.resolve(__dirname, '..', '..');
const out = path.join(root, 'dist', `.quick-build-test-${crypto.randomBytes(4).toString('hex')}`);
let database: OpsDatabase | undefined;

afterAll(async () => {
  await killAll();
  await database?.drop();
  fs.rmSync(out, { recursive: true, force: true });
});

test('when npm start builds, then the compiled server starts, serves the API and stops with exit 0', async () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  expect(pkg.scripts.prestart).toBe('node scripts/quick-build.mjs');
  // Run as npm start runs it: with the node flags every launcher passes.
  const nodeFlags = jest.requireActual(path.join(root, 'scripts', 'server-node-flags.cjs')) as string[];
  expect(pkg.scripts.start).toBe(['node', ...nodeFlags, 'dist/src/server.js'].join(' '));

  const { stderr } = await promisify(execFile)(
    process.execPath,
    [path.join(root, 'scripts', 'quick-build.mjs'), '--out', out],
    { cwd: root },
  );
  expect(stderr).toMatch(/^compiled \d+ files to /);
  expect(fs.existsSync(path.join(out, 'src', 'server.js'))).toBe(true);
  expect(fs.existsSync(path.join(out, 'scripts', 'migrate.js'))).toBe(true);

  const db = await serverDatabase();
  database = db.db;
  const server = await spawnServer(db.env, {
    entry: path.join(out, 'src', 'server.js'),
    nodeArgs: nodeFlags,
    startTimeoutMs: 60_000,
  });
  expect(server.sentReady).toBe(true);
  const ready = await fetch(`${server.url}/ready`);
  expect(ready.status).toBe(200);
  const register = await fetch(`${server.url}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'quick@example.com', password: 'correct horse battery', displayName: 'Q' }),
  });
  expect(register.status).toBe(201);
  const document = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as { openapi: string };
  expect(document.openapi).toMatch(/^3\.1/);

  server.child.kill('SIGTERM');
  expect(await server.exited).toEqual({ code: 0, signal: null });
}, 120_000);
