import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * The operator commands (`npm run migrate`, `admin:promote`, `keys:rotate`, `storage:gc`, `db:check`) as they run inside
 * the Docker image: a folder laid out like the image's /app (package.json, dist/, database/, src/ and
 * scripts/ensure-built.mjs) with production dependencies only — no tsc, no SWC — and no node_modules/.bin
 * of the repository on PATH. And once as in a clone after `npm install`, where a stale dist/ is recompiled.
 */

jest.setTimeout(180_000);

const root = path.resolve(__dirname, '..', '..');
const run = promisify(execFile);

/** Top-level packages a production install has: the lockfile's entries not marked dev (nor the workspace link). */
function productionPackages(): string[] {
  const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; link?: boolean }>;
  };
  return Object.entries(lock.packages)
    .filter(([key]) => key.startsWith('node_modules/') && key.split('node_modules/').length === 2)
    .filter(([, entry]) => !entry.dev && !entry.link)
    .map(([key]) => key.slice('node_modules/'.length))
    .filter((name) => fs.existsSync(path.join(root, 'node_modules', name)));
}

/** A folder with node_modules holding exactly `packages` (links into the shared install). */
function linkModules(dir: string, packages: string[]): void {
  for (const name of packages) {
    const target = path.join(dir, 'node_modules', name);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.symlinkSync(path.join(root, 'node_modules', name), target);
  }
}

const copy = (dir: string, entry: string) =>
  fs.cpSync(path.join(root, entry), path.join(dir, entry), { recursive: true });

/** PATH without any node_modules/.bin (npm test puts the repository's there, with tsc in it). */
const plainPath = () =>
  (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter((dir) => !dir.includes(`node_modules${path.sep}.bin`))
    .join(path.delimiter);

async function npmRun(dir: string, args: string[]): Promise<{ code: number; output: string }> {
  const env = { PATH: plainPath(), HOME: process.env.HOME ?? os.tmpdir(), DATA_DIR: path.join(dir, 'data') };
  try {
    const { stdout, stderr } = await run('npm', ['run', '--silent', ...args], { cwd: dir, env });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, output: e.stdout + e.stderr };
  }
}

const dirs: string[] = [];
const tmp = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'colorbook-admin-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

describe('operator commands in a production install (the Docker image)', () => {
  let image: string;
  beforeAll(async () => {
    image = tmp();
    for (const entry of ['package.json', 'database', 'src', 'scripts/ensure-built.mjs']) copy(image, entry);
    linkModules(image, productionPackages());
    // The image's dist/ is compiled in its build stage; here by the quick build, from the repository.
    await run(
      process.execPath,
      [path.join(root, 'scripts', 'quick-build.mjs'), '--out', path.join(image, 'dist')],
      {
        cwd: root,
      },
    );
  });

  test('when it is assembled, then neither tsc nor SWC can be found from it', () => {
    expect(fs.existsSync(path.join(image, 'node_modules', 'pg'))).toBe(true);
    expect(fs.existsSync(path.join(image, 'node_modules', 'typescript'))).toBe(false);
    expect(fs.existsSync(path.join(image, 'node_modules', '@swc', 'core'))).toBe(false);
  });

  test('when npm run migrate runs, then it runs the compiled script without building and migrates', async () => {
    const migrate = await npmRun(image, ['migrate']);
    expect(migrate.output).not.toMatch(/tsc|not found|compiled \d+ files/);
    expect(migrate.code).toBe(0);
  });

  test('when npm run db:check runs, then it says the database is consistent, and names a user whose storage use drifted', async () => {
    const clean = await npmRun(image, ['db:check']);
    expect(clean.output).toContain('db:check: consistent');
    expect(clean.code).toBe(0);

    // Drift the servers' own way cannot make: a user whose storage use counts bytes no row holds.
    await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { PGlite } from '@electric-sql/pglite';
         const db = await PGlite.create(process.argv[1]);
         await db.query("INSERT INTO users (email, password_hash, storage_used_bytes) VALUES ('drift@example.com', 'x', 5)");
         await db.close();`,
        path.join(image, 'data', 'pglite', 'pgdata'),
      ],
      { cwd: image },
    );
    const drifted = await npmRun(image, ['db:check']);
    expect(drifted.output).toMatch(
      /db:check storage: user [0-9a-f-]{36}: storage_used_bytes is 5, its rows hold 0/,
    );
    expect(drifted.code).toBe(1);
  });

  test('when a source looks newer than dist/, then the compiled dist/ still runs, with a note', async () => {
    const future = new Date(Date.now() + 60_000);
    fs.utimesSync(path.join(image, 'src', 'server.ts'), future, future);
    // Without an email the script answers with its usage (exit 2) before opening the database.
    const promote = await npmRun(image, ['admin:promote']);
    expect(promote.output).toContain('production install');
    expect(promote.output).toContain('usage: npm run admin:promote');
    expect(promote.code).toBe(2);
  });

  test('when dist/ is missing, then the command fails at once and says how to build', async () => {
    const bare = tmp();
    for (const entry of ['package.json', 'database', 'src', 'scripts/ensure-built.mjs']) copy(bare, entry);
    linkModules(bare, productionPackages());
    const migrate = await npmRun(bare, ['migrate']);
    expect(migrate.output).toContain('run `npm ci && npm run build` first');
    expect(migrate.code).toBe(1);
  });
});

describe('operator commands in a clone with every dependency', () => {
  test('when dist/ is older than the sources, then it is recompiled with SWC (no tsc) before the command runs', async () => {
    const clone = tmp();
    for (const entry of ['package.json', 'database', 'src', 'scripts']) copy(clone, entry);
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(clone, 'node_modules'));
    // Without an email the script answers with its usage (exit 2): it ran, compiled, without a database.
    const first = await npmRun(clone, ['admin:promote']);
    expect(first.output).toMatch(/compiled \d+ files to dist\//);
    expect(first.output).toContain('usage: npm run admin:promote');
    expect(first.code).toBe(2);
    expect(fs.existsSync(path.join(clone, 'dist', 'scripts', 'migrate.js'))).toBe(true);

    // Current now: the next command compiles nothing.
    const again = await npmRun(clone, ['admin:promote']);
    expect(again.output).not.toMatch(/compiled \d+ files/);
    expect(again.code).toBe(2);
  });
});
