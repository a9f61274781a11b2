/**
 * Memory under concurrent uploads: starts the API in a child process on 127.0.0.1 (port 0), sends
 * CONCURRENCY uploads of a real ~10 MB PNG at once, samples the server's RSS every few milliseconds and
 * reports its peak growth. The upload pipeline streams files to disk, so the target is growth under 100 MB.
 *
 *   npm run bench:upload-memory                               the pipeline on its test route (default)
 *   npm run bench:upload-memory -- --target=images            POST /api/images on the real server
 *   npm run bench:upload-memory -- --concurrency=20 --rounds=3
 *
 * `--target=pipeline` mounts the test-only route of tests/storage/upload-app.ts (imageUpload + the store)
 * with the real router; `--target=images` runs `start()` from src/server.ts, registers a user, creates a
 * project and posts to the images route, once that route exists.
 */
import { fork, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db';
import { migrate } from '../src/db/migrate';
import { createLogger } from '../src/lib/logger';
import { start } from '../src/server';
import { embeddedBenchEnv } from './embedded-env';
import { createRouteApp, uploadTestRoute } from '../tests/storage/upload-app';

type Target = 'pipeline' | 'images';
const MB = 1024 * 1024;
const TARGET_GROWTH_MB = 100;

interface Options {
  target: Target;
  concurrency: number;
  rounds: number;
  sizeBytes: number;
}

function parseOptions(argv: string[]): Options {
  const get = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const target = (get('target') ?? 'pipeline') as Target;
  if (target !== 'pipeline' && target !== 'images') throw new Error('--target must be pipeline or images');
  return {
    target,
    concurrency: Number(get('concurrency') ?? 20),
    rounds: Number(get('rounds') ?? 1),
    sizeBytes: Number(get('size-mb') ?? 10) * MB,
  };
}

// ---------------------------------------------------------------------------------------------------------
// The server side (child process)
// ---------------------------------------------------------------------------------------------------------

type FromParent = { type: 'baseline' } | { type: 'report' };
type FromChild =
  | { type: 'ready'; port: number }
  | { type: 'report'; startRss: number; baselineRss: number; peakRss: number; endRss: number };

async function serve(target: Target): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'colorbook-bench-'));
  // --target=images keeps every upload (21 of ~10 MB): more than the free plan's 100 MB, hence the bench's
  // storage allowance.
  const env = embeddedBenchEnv(dataDir);
  let port: number;
  let shutdown: () => Promise<void>;
  if (target === 'images') {
    const running = await start(env);
    port = (running.server.address() as AddressInfo).port;
    shutdown = () => running.shutdown('bench');
  } else {
    const config = loadConfig(env);
    const logger = createLogger({ level: 'warn', json: false });
    const db = await openDatabase(config, logger);
    await migrate(db, logger);
    const app = createApp({ config, db, logger });
    const ctx = app.locals.context;
    const server = http.createServer(createRouteApp(ctx, [uploadTestRoute(ctx, { auth: 'none' })]));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    shutdown = async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await ctx.mailer.close(1000);
      await db.close();
    };
  }

  const startRss = process.memoryUsage.rss();
  let baselineRss = startRss;
  let peakRss = startRss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 2);
  process.on('message', async (message: FromParent) => {
    if (message.type === 'baseline') {
      baselineRss = process.memoryUsage.rss();
      peakRss = baselineRss;
      process.send!({ type: 'baseline' });
    } else if (message.type === 'report') {
      clearInterval(sampler);
      const report: FromChild = {
        type: 'report',
        startRss,
        baselineRss,
        peakRss,
        endRss: process.memoryUsage.rss(),
      };
      process.send!(report);
      await shutdown().catch(() => undefined);
      fs.rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    }
  });
  // The benchmark went away (finished or failed): do not linger as an orphan server.
  process.on('disconnect', () => {
    fs.rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  });
  process.send!({ type: 'ready', port } satisfies FromChild);
}

// ---------------------------------------------------------------------------------------------------------
// The client side (parent process)
// ---------------------------------------------------------------------------------------------------------

/** A noise PNG as close to `maxBytes` as a square allows (noise does not compress: ~3 bytes a pixel). */
async function makeUploadFile(
  maxBytes: number,
  dir: string,
): Promise<{ file: string; size: number; side: number }> {
  let side = Math.floor(Math.sqrt(maxBytes / 3));
  for (;;) {
    const png = await sharp(crypto.randomBytes(side * side * 3), {
      raw: { width: side, height: side, channels: 3 },
    })
      .png({ compressionLevel: 1 })
      .toBuffer();
    if (png.length <= maxBytes) {
      const file = path.join(dir, 'upload.png');
      fs.writeFileSync(file, png);
      return { file, size: png.length, side };
    }
    side -= 8;
  }
}

interface Sent {
  status: number;
  body: string;
}

function postJson(
  port: number,
  urlPath: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const data = Buffer.from(JSON.stringify(body));
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: urlPath,
        headers: { 'Content-Type': 'application/json', 'Content-Length': data.length, ...headers },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/** One multipart upload, streamed from disk (the client holds no copy of the file in memory). */
function upload(
  port: number,
  urlPath: string,
  file: string,
  size: number,
  fields: Record<string, string>,
  headers: Record<string, string>,
): Promise<Sent> {
  const boundary = `bench${crypto.randomBytes(8).toString('hex')}`;
  const parts = Object.entries(fields)
    .map(
      ([name, value]) =>
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
    )
    .join('');
  const head = Buffer.from(
    `${parts}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.png"\r\n` +
      'Content-Type: image/png\r\n\r\n',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: urlPath,
        headers: {
          ...headers,
          'Content-Type': `multipart/form-data; boundary=${boundary}`,
          'Content-Length': head.length + size + tail.length,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.write(head);
    const stream = fs.createReadStream(file);
    stream.on('error', reject);
    stream.on('end', () => req.end(tail));
    stream.pipe(req, { end: false });
  });
}

function ask(child: ChildProcess, message: FromParent, reply: string): Promise<any> {
  return new Promise((resolve) => {
    const onMessage = (m: { type: string }) => {
      if (m.type === reply) {
        child.off('message', onMessage);
        resolve(m);
      }
    };
    child.on('message', onMessage);
    child.send(message);
  });
}

let child: ChildProcess | undefined;

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'colorbook-bench-client-'));
  const { file, size, side } = await makeUploadFile(options.sizeBytes, scratch);

  child = fork(__filename, ['--serve', `--target=${options.target}`], {
    execArgv: process.execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<{ port: number }>((resolve, reject) => {
    child!.once('message', (m: FromChild) =>
      m.type === 'ready' ? resolve(m) : reject(new Error('bad start')),
    );
    child!.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });

  let urlPath = '/test/uploads';
  let headers: Record<string, string> = {};
  let fields: Record<string, string> = {};
  if (options.target === 'images') {
    const email = `bench-${crypto.randomBytes(4).toString('hex')}@example.test`;
    const registered = await postJson(ready.port, '/api/auth/register', {
      email,
      password: 'bench password 1',
    });
    if (registered.status !== 201) throw new Error(`register: ${registered.status} ${registered.body}`);
    headers = { Authorization: `Bearer ${JSON.parse(registered.body).accessToken}` };
    const project = await postJson(ready.port, '/api/projects', { title: 'Bench' }, headers);
    if (project.status !== 201) throw new Error(`project: ${project.status} ${project.body}`);
    urlPath = '/api/images';
    fields = { projectId: JSON.parse(project.body).id };
  }

  // One upload first: codecs, thread pools and the database warm up outside the measurement.
  const warm = await upload(ready.port, urlPath, file, size, fields, headers);
  if (warm.status !== 201) throw new Error(`warm-up upload: ${warm.status} ${warm.body}`);
  await ask(child!, { type: 'baseline' }, 'baseline');

  const started = Date.now();
  const statuses: Record<number, number> = {};
  for (let round = 0; round < options.rounds; round++) {
    const results = await Promise.all(
      Array.from({ length: options.concurrency }, () =>
        upload(ready.port, urlPath, file, size, fields, headers),
      ),
    );
    for (const r of results) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  }
  const seconds = (Date.now() - started) / 1000;
  const report = (await ask(child!, { type: 'report' }, 'report')) as Extract<FromChild, { type: 'report' }>;
  fs.rmSync(scratch, { recursive: true, force: true });

  const mb = (bytes: number) => Math.round((bytes / MB) * 10) / 10;
  const growth = mb(report.peakRss - report.baselineRss);
  const summary = {
    target: options.target,
    node: process.version,
    cpus: os.availableParallelism(),
    uploads: options.concurrency * options.rounds,
    concurrency: options.concurrency,
    fileMB: mb(size),
    image: `${side}x${side} PNG`,
    statuses,
    seconds: Math.round(seconds * 10) / 10,
    rssAtStartMB: mb(report.startRss),
    rssAfterWarmUpMB: mb(report.baselineRss),
    rssPeakMB: mb(report.peakRss),
    rssEndMB: mb(report.endRss),
    peakGrowthMB: growth,
    targetMB: TARGET_GROWTH_MB,
    pass: growth < TARGET_GROWTH_MB && Object.keys(statuses).every((s) => s === '201'),
  };
  console.log(JSON.stringify(summary, null, 2));
  process.exitCode = summary.pass ? 0 : 1;
}

if (process.argv.includes('--serve')) {
  const target = (process.argv.find((a) => a.startsWith('--target='))?.split('=')[1] ?? 'pipeline') as Target;
  serve(target).catch((error) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().catch((error) => {
    console.error(error);
    child?.kill();
    process.exit(1);
  });
}
