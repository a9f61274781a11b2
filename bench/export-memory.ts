/**
 * Memory of a PDF export: starts the API in a child process on 127.0.0.1 (port 0, embedded database),
 * uploads PAGES coloring pages of 2400 × 3000 px, then exports the project and samples the server's RSS
 * while the PDF streams. The export draws one page at a time and waits for the client, so the target is
 * RSS growth under 150 MB whatever the page count.
 *
 *   npm run bench:export                                  100 pages of clean line art (PNG, ~0.4 MB each)
 *   npm run bench:export -- --grain=8                     noisy line art: ~9 MB PNGs, near the upload limit
 *   npm run bench:export -- --format=webp                 WebP originals: every page converted by sharp
 *   npm run bench:export -- --read-kbps=2000              a slow client (2 MB/s): the export waits for it
 *   npm run bench:export -- --pages=200 --trim=6x9 --bleed --blank-backs
 *
 * The uploads run in one server process; the export is measured in a fresh one started on the same data
 * directory (the uploads' garbage would otherwise sit in the baseline), after a one-page warm-up export.
 * The PDF is written to a temporary file by the client, then checked with pdf-lib (page count, TrimBox).
 */
import { fork, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { start } from '../src/server';
import { embeddedBenchEnv } from './embedded-env';

const MB = 1024 * 1024;
const TARGET_GROWTH_MB = 150;

interface Options {
  pages: number;
  variants: number;
  grain: number;
  format: 'png' | 'webp' | 'jpeg';
  trimSize: string;
  bleed: boolean;
  blankBacks: boolean;
  readKbps: number;
}

function parseOptions(argv: string[]): Options {
  const get = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const format = (get('format') ?? 'png') as Options['format'];
  if (!['png', 'webp', 'jpeg'].includes(format)) throw new Error('--format must be png, webp or jpeg');
  return {
    pages: Number(get('pages') ?? 100),
    variants: Number(get('variants') ?? 4),
    grain: Number(get('grain') ?? 0),
    format,
    trimSize: get('trim') ?? 'letter',
    bleed: argv.includes('--bleed'),
    blankBacks: argv.includes('--blank-backs'),
    readKbps: Number(get('read-kbps') ?? 0),
  };
}

// ---------------------------------------------------------------------------------------------------------
// The server side (child process)
// ---------------------------------------------------------------------------------------------------------

type FromParent = { type: 'baseline' } | { type: 'report' };
type FromChild =
  | { type: 'ready'; port: number }
  | { type: 'baseline' }
  | {
      type: 'report';
      baselineRss: number;
      peakRss: number;
      endRss: number;
      maxRssBefore: number;
      maxRssAfter: number;
      baseline: NodeJS.MemoryUsage;
      end: NodeJS.MemoryUsage;
    };

async function serve(dataDir: string): Promise<void> {
  // 100 pages of up to ~9 MB: more than the free plan's 100 MB, hence the bench's storage allowance.
  const running = await start(embeddedBenchEnv(dataDir));
  const port = (running.server.address() as AddressInfo).port;
  const maxRss = () => process.resourceUsage().maxRSS * 1024;

  let baseline = process.memoryUsage();
  let baselineRss = baseline.rss;
  let peakRss = baselineRss;
  let maxRssBefore = maxRss();
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 2);
  process.on('message', async (message: FromParent) => {
    if (message.type === 'baseline') {
      (globalThis as { gc?: () => void }).gc?.();
      baseline = process.memoryUsage();
      baselineRss = baseline.rss;
      peakRss = baselineRss;
      maxRssBefore = maxRss();
      process.send!({ type: 'baseline' } satisfies FromChild);
    } else {
      clearInterval(sampler);
      process.send!({
        type: 'report',
        baselineRss,
        peakRss,
        endRss: process.memoryUsage.rss(),
        maxRssBefore,
        maxRssAfter: maxRss(),
        baseline,
        end: process.memoryUsage(),
      } satisfies FromChild);
      await running.shutdown('bench').catch(() => undefined);
      process.exit(0);
    }
  });
  // The benchmark went away (finished or failed): do not linger as an orphan server.
  process.on('disconnect', () => process.exit(0));
  process.send!({ type: 'ready', port } satisfies FromChild);
}

// ---------------------------------------------------------------------------------------------------------
// The client side (parent process)
// ---------------------------------------------------------------------------------------------------------

/**
 * A coloring page: black outlines on white, 2400 × 3000 RGB. `grain` > 0 adds pixel noise (scanned or
 * AI-made pages), which makes the PNG large (~9 MB at 8).
 */
async function coloringPage(seed: number, format: Options['format'], grain: number): Promise<Buffer> {
  const width = 2400;
  const height = 3000;
  let s = seed;
  const rnd = () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const shapes: string[] = [];
  for (let i = 0; i < 60; i++) {
    const x = rnd() * width;
    const y = rnd() * height;
    const r = 40 + rnd() * 300;
    shapes.push(
      i % 3 === 0
        ? `<circle cx="${x}" cy="${y}" r="${r}"/>`
        : i % 3 === 1
          ? `<rect x="${x}" y="${y}" width="${r}" height="${r * 1.3}" rx="20"/>`
          : `<path d="M${x} ${y} Q ${x + r} ${y - r} ${x + 2 * r} ${y} T ${x + 4 * r} ${y}"/>`,
    );
  }
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<rect width="100%" height="100%" fill="white"/>` +
    `<g fill="none" stroke="black" stroke-width="9">${shapes.join('')}</g></svg>`;
  const { data, info } = await sharp(Buffer.from(svg))
    .flatten({ background: '#ffffff' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (grain > 0) {
    const noise = crypto.randomBytes(data.length);
    for (let i = 0; i < data.length; i++) data[i] = Math.max(0, data[i] - (noise[i] % grain));
  }
  const image = sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
  if (format === 'webp') return image.webp({ quality: 90 }).toBuffer();
  if (format === 'jpeg') return image.jpeg({ quality: 90 }).toBuffer();
  return image.png().toBuffer();
}

interface Answer {
  status: number;
  body: string;
}

function request(
  port: number,
  method: string,
  urlPath: string,
  body: Buffer | undefined,
  headers: Record<string, string>,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: urlPath,
        headers: { ...headers, ...(body ? { 'Content-Length': body.length } : {}) },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const postJson = (port: number, urlPath: string, body: unknown, headers: Record<string, string> = {}) =>
  request(port, 'POST', urlPath, Buffer.from(JSON.stringify(body)), {
    'Content-Type': 'application/json',
    ...headers,
  });

function uploadImage(
  port: number,
  bytes: Buffer,
  format: Options['format'],
  fields: Record<string, string>,
  headers: Record<string, string>,
): Promise<Answer> {
  const boundary = `bench${crypto.randomBytes(8).toString('hex')}`;
  const parts = Object.entries(fields)
    .map(
      ([name, value]) =>
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
    )
    .join('');
  const body = Buffer.concat([
    Buffer.from(
      `${parts}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="page.${format}"\r\n` +
        `Content-Type: image/${format}\r\n\r\n`,
    ),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return request(port, 'POST', '/api/images', body, {
    ...headers,
    'Content-Type': `multipart/form-data; boundary=${boundary}`,
  });
}

interface Download {
  status: number;
  headers: http.IncomingHttpHeaders;
  bytes: number;
  firstByteMs: number;
  totalMs: number;
}

/** POSTs the export and writes the PDF to `file`, at most `readKbps` KB/s when that is set. */
function downloadExport(
  port: number,
  projectId: string,
  body: unknown,
  headers: Record<string, string>,
  file: string,
  readKbps: number,
): Promise<Download> {
  const started = performance.now();
  const data = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `/api/projects/${projectId}/export`,
        headers: { ...headers, 'Content-Type': 'application/json', 'Content-Length': data.length },
      },
      (res) => {
        const firstByteMs = performance.now() - started;
        const out = fs.createWriteStream(file);
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          // The next read waits for the file (drain) and, when throttled, for this chunk's time at the rate.
          const waits: Promise<unknown>[] = [];
          if (!out.write(chunk))
            waits.push(new Promise<void>((resolve) => out.once('drain', () => resolve())));
          if (readKbps > 0) {
            const ms = (chunk.length / (readKbps * 1024)) * 1000;
            waits.push(new Promise((resolve) => setTimeout(resolve, ms)));
          }
          if (waits.length > 0) {
            res.pause();
            void Promise.all(waits).then(() => res.resume());
          }
        });
        res.on('error', reject);
        res.on('end', () =>
          out.end(() =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              bytes,
              firstByteMs,
              totalMs: performance.now() - started,
            }),
          ),
        );
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

function ask(child: ChildProcess, message: FromParent, reply: FromChild['type']): Promise<any> {
  return new Promise((resolve) => {
    const onMessage = (m: FromChild) => {
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
let dataDir: string | undefined;

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'colorbook-bench-export-client-'));
  const variants = await Promise.all(
    Array.from({ length: options.variants }, (_, i) => coloringPage(i + 1, options.format, options.grain)),
  );

  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'colorbook-bench-export-'));
  const startServer = async (): Promise<number> => {
    child = fork(__filename, ['--serve', `--data-dir=${dataDir!}`], {
      execArgv: [...process.execArgv, '--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const ready = await new Promise<{ port: number }>((resolve, reject) => {
      child!.once('message', (m: FromChild) =>
        m.type === 'ready' ? resolve(m) : reject(new Error('bad start')),
      );
      child!.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    });
    return ready.port;
  };
  const stopServer = async () => {
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    await ask(child!, { type: 'report' }, 'report');
    await exited;
  };
  let port = await startServer();

  const registered = await postJson(port, '/api/auth/register', {
    email: `bench-${crypto.randomBytes(4).toString('hex')}@example.test`,
    password: 'bench password 1',
    displayName: 'Bench',
  });
  if (registered.status !== 201) throw new Error(`register: ${registered.status} ${registered.body}`);
  const auth = { Authorization: `Bearer ${JSON.parse(registered.body).accessToken}` };
  const makeProject = async (title: string) => {
    const res = await postJson(port, '/api/projects', { title }, auth);
    if (res.status !== 201) throw new Error(`project: ${res.status} ${res.body}`);
    return JSON.parse(res.body).id as string;
  };
  const fill = async (projectId: string, pages: number) => {
    for (let i = 0; i < pages; i += 4) {
      const batch = Array.from({ length: Math.min(4, pages - i) }, (_, j) =>
        uploadImage(
          port,
          variants[(i + j) % variants.length],
          options.format,
          { projectId, position: String(i + j) },
          auth,
        ),
      );
      for (const res of await Promise.all(batch)) {
        if (res.status !== 201) throw new Error(`upload: ${res.status} ${res.body}`);
      }
    }
  };
  const exportBody = {
    format: 'pdf',
    trimSize: options.trimSize,
    bleed: options.bleed,
    blankBacks: options.blankBacks,
  };

  const warmProject = await makeProject('Warm-up');
  await fill(warmProject, 1);
  const projectId = await makeProject('Benchmark book');
  const uploadStarted = performance.now();
  await fill(projectId, options.pages);
  const uploadSeconds = (performance.now() - uploadStarted) / 1000;

  // A fresh server on the same data; the access token stays valid (its secret is kept in the data dir).
  await stopServer();
  port = await startServer();
  // A one-page export first: PDFKit, its fonts and sharp warm up outside the measurement.
  const warm = await downloadExport(port, warmProject, exportBody, auth, path.join(scratch, 'warm.pdf'), 0);
  if (warm.status !== 200) throw new Error(`warm-up export: ${warm.status}`);

  await ask(child!, { type: 'baseline' }, 'baseline');
  const pdfFile = path.join(scratch, 'book.pdf');
  const download = await downloadExport(port, projectId, exportBody, auth, pdfFile, options.readKbps);
  const report = (await ask(child!, { type: 'report' }, 'report')) as Extract<FromChild, { type: 'report' }>;
  fs.rmSync(dataDir, { recursive: true, force: true });
  dataDir = undefined;

  const pdf = await PDFDocument.load(fs.readFileSync(pdfFile), { updateMetadata: false });
  const pageCount = pdf.getPageCount();
  const trim = pdf.getPage(1).getTrimBox();
  fs.rmSync(scratch, { recursive: true, force: true });

  const mb = (bytes: number) => Math.round((bytes / MB) * 10) / 10;
  const growth = mb(report.peakRss - report.baselineRss);
  const summary = {
    node: process.version,
    cpus: os.availableParallelism(),
    pages: options.pages,
    image: `2400x3000 ${options.format}${options.grain ? `, grain ${options.grain}` : ''}`,
    imageMB: variants.map((v) => mb(v.length)),
    trimSize: options.trimSize,
    bleed: options.bleed,
    blankBacks: options.blankBacks,
    readKbps: options.readKbps || 'unlimited',
    uploadSeconds: Math.round(uploadSeconds * 10) / 10,
    status: download.status,
    pdfPages: pageCount,
    pdfMB: mb(download.bytes),
    exportWarnings: download.headers['x-export-warnings'],
    trimBoxPage2: [trim.x, trim.y, trim.width, trim.height],
    firstByteMs: Math.round(download.firstByteMs),
    exportSeconds: Math.round(download.totalMs / 100) / 10,
    msPerPage: Math.round(download.totalMs / pageCount),
    rssBaselineMB: mb(report.baselineRss),
    rssPeakMB: mb(report.peakRss),
    rssEndMB: mb(report.endRss),
    peakGrowthMB: growth,
    heapUsedMB: [mb(report.baseline.heapUsed), mb(report.end.heapUsed)],
    externalMB: [mb(report.baseline.external), mb(report.end.external)],
    arrayBuffersMB: [mb(report.baseline.arrayBuffers), mb(report.end.arrayBuffers)],
    kernelMaxRssGrowthMB: mb(Math.max(0, report.maxRssAfter - report.maxRssBefore)),
    targetMB: TARGET_GROWTH_MB,
    pass: download.status === 200 && pageCount >= options.pages + 1 && growth < TARGET_GROWTH_MB,
  };
  console.log(JSON.stringify(summary, null, 2));
  process.exitCode = summary.pass ? 0 : 1;
}

if (process.argv.includes('--serve')) {
  serve(process.argv.find((a) => a.startsWith('--data-dir='))!.slice('--data-dir='.length)).catch((error) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().catch((error) => {
    console.error(error);
    child?.kill();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    process.exit(1);
  });
}
