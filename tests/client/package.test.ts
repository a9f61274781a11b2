import { execFile, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../src/lib/paths';
import { useTestApp } from '../helpers/app';
import { uniqueEmail } from '../helpers/factories';
import { useLiveServer } from './live-server';

/**
 * The client as an SPA gets it: `npm pack` in client/ (its prepack builds dist/ with its own tsc), the
 * tarball unpacked into a throwaway project's node_modules, then imported there by Node as ESM (against
 * the live server) and compiled by tsc against its .d.ts. No network: openapi-fetch, the one dependency,
 * is linked from the repository's install.
 */
const t = useTestApp();
const live = useLiveServer(t);

const clientDir = path.join(projectRoot, 'client');
let work: string;
let consumer: string;
let files: string[];

function run(command: string, args: string[], cwd: string, timeout = 180_000): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    timeout,
    shell: process.platform === 'win32',
  });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result;
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'colorbook-client-pack-'));
  const packed = run('npm', ['pack', '--json', '--pack-destination', work], clientDir);
  // npm prints the build's output first; the JSON report is the last thing on stdout.
  const report = JSON.parse(packed.stdout.slice(packed.stdout.lastIndexOf('\n[') + 1)) as {
    filename: string;
    files: { path: string }[];
  }[];
  files = report[0].files.map((file) => file.path).sort();

  consumer = path.join(work, 'consumer');
  const installed = path.join(consumer, 'node_modules', '@colorbook', 'client');
  fs.mkdirSync(installed, { recursive: true });
  run('tar', ['-xzf', path.join(work, report[0].filename), '-C', installed, '--strip-components=1'], work);
  fs.symlinkSync(
    fs.realpathSync(path.join(projectRoot, 'node_modules', 'openapi-fetch')),
    path.join(consumer, 'node_modules', 'openapi-fetch'),
    'junction',
  );
  fs.writeFileSync(
    path.join(consumer, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
}, 240_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('the client package (npm pack)', () => {
  test('when the client is packed, then the tarball holds the ESM build with its types, the sources and the README', () => {
    expect(files).toEqual(
      expect.arrayContaining(['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts']),
    );
    expect(files).toContain('dist/schema.d.ts');
    for (const module of [
      'client',
      'errors',
      'offline-queue',
      'paths',
      'sse',
      'sync',
      'sync-store',
      'tokens',
      'upload',
    ]) {
      expect(files).toEqual(
        expect.arrayContaining([`dist/${module}.js`, `dist/${module}.d.ts`, `src/${module}.ts`]),
      );
    }
    // Nothing of the repository around it.
    expect(files.filter((file) => !/^(dist|src)\//.test(file)).sort()).toEqual(['README.md', 'package.json']);
    const manifest = JSON.parse(
      fs.readFileSync(path.join(consumer, 'node_modules', '@colorbook', 'client', 'package.json'), 'utf8'),
    );
    expect(manifest).toMatchObject({
      type: 'module',
      exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
      dependencies: { 'openapi-fetch': expect.any(String) },
    });
  });

  test('when a Node ESM project imports the installed package, then it signs up against the live server and refusals are its ApiError', async () => {
    fs.writeFileSync(
      path.join(consumer, 'use.mjs'),
      `
import { ApiError, createColorBookClient } from '@colorbook/client';
const cb = createColorBookClient({ baseUrl: process.argv[2] });
const user = await cb.register({ email: process.argv[3], password: 'correct horse battery' });
const again = await cb.register({ email: process.argv[3], password: 'correct horse battery' }).catch((e) => e);
const me = await cb.api.GET('/api/auth/me');
console.log(JSON.stringify({
  email: user.email,
  me: me.data.email,
  refused: again instanceof ApiError ? { status: again.status, code: again.code, requestId: typeof again.requestId } : String(again),
  download: typeof cb.exports.download,
  sync: typeof (await import('@colorbook/client')).createSync,
}));
`,
    );
    const email = uniqueEmail('packed');
    // Asynchronously: the live server answers from this process's event loop.
    const result = await promisify(execFile)(process.execPath, ['use.mjs', live.baseUrl, email], {
      cwd: consumer,
      timeout: 60_000,
    });
    expect(JSON.parse(result.stdout.trim())).toEqual({
      email,
      me: email,
      refused: { status: 409, code: 'EMAIL_TAKEN', requestId: 'string' },
      download: 'function',
      sync: 'function',
    });
  });

  test("when a TypeScript project compiles against the package's types, then typed calls pass and a wrong path is an error", () => {
    fs.writeFileSync(
      path.join(consumer, 'consumer.ts'),
      `
import { ApiError, createColorBookClient, createSync, MemorySyncStore, type components } from '@colorbook/client';

type Project = components['schemas']['Project'];
const cb = createColorBookClient({ baseUrl: 'https://api.example.test' });

export async function demo(id: string, file: Blob): Promise<Project | undefined> {
  const { data } = await cb.api.GET('/api/projects/{id}', { params: { path: { id } } });
  await cb.queue.send({ method: 'PUT', path: \`/api/projects/\${id}\`, body: { title: 'x' }, ifMatch: 2 });
  // @ts-expect-error no PUT on /api/projects
  await cb.queue.send({ method: 'PUT', path: '/api/projects', body: { title: 'x' } });
  // @ts-expect-error not a path of the API
  await cb.queue.send({ method: 'DELETE', path: \`/api/projekts/\${id}\` });
  const upload = await cb.upload<components['schemas']['Image']>('/api/images', { file, fields: { projectId: id } });
  // @ts-expect-error JSON-only route: not an upload path
  await cb.upload('/api/stories', { file });
  const pdf: Blob = await cb.exports.download(id, { trimSize: 'a4', bleed: true });
  // @ts-expect-error not a trim size
  await cb.exports.download(id, { trimSize: 'a3' });
  if (upload.error instanceof ApiError) console.log(upload.error.code, upload.error.requestId, pdf.size);
  const sync = createSync(cb, {
    store: new MemorySyncStore(),
    onConflict: (conflict) => {
      // The kind narrows the server state's type.
      if (conflict.kind === 'project') console.log(conflict.server?.title, conflict.local);
    },
  });
  await sync.pull();
  const stored = await sync.store.get('story', id);
  const title: string | undefined = stored?.data.title;
  // @ts-expect-error not a kind of the feed
  await sync.store.list('template');
  console.log(title);
  return data;
}
`,
    );
    fs.writeFileSync(
      path.join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          lib: ['ES2023', 'DOM'],
          strict: true,
          noEmit: true,
          types: [],
        },
        files: ['consumer.ts'],
      }),
    );
    const tsc = path.join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], {
      cwd: consumer,
      encoding: 'utf8',
    });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
