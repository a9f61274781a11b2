import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { usingPostgres } from '../helpers/db';
import { freePort, killAll, serverDatabase, spawnServer, type OpsDatabase } from '../helpers/spawn-server';

const root = path.resolve(__dirname, '../..');

/** The shell blocks of README.md's "Walk-through with curl" section, in order. */
function walkThrough(): string {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Walk-through with curl');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end);
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
  if (blocks.length < 5) throw new Error('README walk-through not found');
  return blocks.join('\n');
}

function run(script: string, cwd: string, env: Record<string, string>) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], { cwd, env: { ...process.env, ...env } });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => resolve({ code, output }));
  });
}

let database: OpsDatabase | undefined;
let env: Record<string, string> = {};

beforeAll(async () => {
  // Like `npm start` on a fresh clone: the embedded database, unless this run is the PostgreSQL one.
  if (usingPostgres()) ({ env, db: database } = await serverDatabase());
});

afterAll(async () => {
  await killAll();
  await database?.drop();
});

test('when the README walk-through is pasted into a shell against a fresh server, then every step works as written', async () => {
  // A port of its own, not 0: file URLs are absolute on PUBLIC_URL, which defaults to http://localhost:PORT.
  const port = String(await freePort());
  const server = await spawnServer({ ...env, PORT: port, AUTH_RATE_LIMIT: '10' }, { startTimeoutMs: 60_000 });
  // The walk-through runs from a clone's root: it uploads postman/fixtures/page.png and writes book.pdf.
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'colorbook-readme-'));
  fs.symlinkSync(path.join(root, 'postman'), path.join(cwd, 'postman'));
  const result = await run(walkThrough(), cwd, { API: server.url, DATA_DIR: server.dataDir });
  if (result.code !== 0) throw new Error(`the walk-through failed (exit ${result.code}):\n${result.output}`);
  expect(result.output).toContain('"email":"ada@example.com"');
  expect(result.output).toMatch(/^412$/m);
  expect(result.output).toContain('Ocean animals (copy)');
  expect(result.output).toMatch(/^200 image\/webp$/m);
  expect(result.output).toMatch(/^403$/m);
  expect(result.output).toMatch(/^x-export-warnings: \d+/im);
  expect(fs.readFileSync(path.join(cwd, 'book.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
  expect(result.output).toMatch(/^202$/m);
  // Sync: Bob's full copy fits one page, Ada's change comes back from the cursor, and the stream replays it.
  expect(result.output).toMatch(/^false$/m);
  expect(result.output).toMatch(/^upsert$/m);
  expect(result.output).toMatch(/^id: \S+\nevent: change\ndata: \{"kind":"project"/m);
  // Sharing: Ada's invitation is pending, Bob accepts it by the mailed token, sees the project as an editor,
  // and the members list Ada first, then Bob.
  expect(result.output).toMatch(/^pending$/m);
  expect(result.output).toMatch(/^editor$/m);
  expect(result.output).toMatch(/^\{"data":\[\{.*"title":"Ocean animals".*"role":"editor".*"total":1,/m);
  expect(result.output).toMatch(
    /"email":"ada@example\.com"[^{}]*"role":"owner"[^{}]*\},\{[^{}]*"email":"bob@example\.com"[^{}]*"role":"editor"/,
  );
  fs.rmSync(cwd, { recursive: true, force: true });
}, 120_000);
