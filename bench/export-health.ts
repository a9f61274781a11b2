/**
 * Renders off the event loop: `/health` latency while export jobs of very large pages render. Starts the API
 * (API and worker in one process, as `npm start` does) in a child process on 127.0.0.1, uploads PAGES coloring
 * pages of SIZE × SIZE px (default 24 pages of 10000 × 10000, the largest image the API accepts) into one
 * project for each of two users, then starts EXPORTS export jobs (default 4, two per user) and probes
 * `/health` every 20 ms from this process until every job has ended, with a login every 2 s beside it
 * (bcrypt shares libuv's pool with sharp and the file system). Target: `/health` p99 under 50 ms.
 *
 *   npm run bench:export-health
 *   npm run bench:export-health -- --pages=8 --size=6000 --exports=4
 *
 * The same probe runs for 10 s before the exports start (the server idle) for comparison. Renders are bounded
 * by EXPORT_CONCURRENCY render slots per process (default 1) and libvips runs one thread per operation
 * (`sharp.concurrency(1)`), so a render occupies one core and one libuv thread at most (docs/export.md).
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { start } from '../src/server';
import { embeddedBenchEnv } from './embedded-env';

const TARGET_P99_MS = 50;
const arg = (name: string, fallback: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);

async function serve(dataDir: string): Promise<void> {
  const running = await start(
    embeddedBenchEnv(dataDir, {
      MAX_UPLOAD_BYTES: String(64 * 1024 * 1024),
      EXPORT_JOB_TIMEOUT_S: '3600',
      JOB_POLL_INTERVAL_S: '0.5',
    }),
  );
  process.send!({ port: (running.server.address() as AddressInfo).port });
  process.on('disconnect', () => {
    void running.shutdown('bench').finally(() => process.exit(0));
  });
}

/** Black outlines on white, greyscale: a scanned page at print size. */
async function bigPage(size: number): Promise<Buffer> {
  const shapes: string[] = [];
  for (let i = 0; i < 80; i++) {
    const x = ((i * 7919) % 97) / 97;
    const y = ((i * 104729) % 89) / 89;
    const r = 0.02 + ((i * 31) % 13) / 100;
    shapes.push(`<circle cx="${x * size}" cy="${y * size}" r="${r * size}"/>`);
  }
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}">` +
    `<rect width="100%" height="100%" fill="white"/>` +
    `<g fill="none" stroke="black" stroke-width="${Math.max(4, size / 500)}">${shapes.join('')}</g></svg>`;
  return sharp(Buffer.from(svg), { limitInputPixels: false }).greyscale().png().toBuffer();
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

async function main(): Promise<void> {
  const pages = arg('pages', 24);
  const size = arg('size', 10000);
  const exports = arg('exports', 4);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'colorbook-bench-health-'));
  const child = fork(__filename, ['--serve', `--data-dir=${dataDir}`], { execArgv: process.execArgv });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`server exited (${code})`)));
  });
  const base = `http://127.0.0.1:${port}`;
  const api = async (method: string, url: string, token?: string, body?: unknown) => {
    const res = await fetch(base + url, {
      method,
      headers: {
        ...(body instanceof FormData ? {} : { 'Content-Type': 'application/json' }),
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : body instanceof FormData ? body : JSON.stringify(body),
    });
    const json = (await res.json().catch(() => ({}))) as Record<string, any>;
    if (!res.ok) throw new Error(`${method} ${url} → ${res.status} ${JSON.stringify(json)}`);
    return json;
  };

  try {
    const t0 = performance.now();
    const png = await bigPage(size);
    process.stdout.write(`page: ${size} × ${size} px, PNG ${(png.length / 1024 / 1024).toFixed(1)} MB\n`);
    const users: Array<{ token: string; projectId: string; email: string }> = [];
    for (let u = 0; u < 2; u++) {
      const email = `health-${u}-${Date.now()}@example.test`;
      const reg = await api('POST', '/api/auth/register', undefined, {
        email,
        password: 'correct horse battery',
      });
      const project = await api('POST', '/api/projects', reg.accessToken, { title: `Big book ${u}` });
      for (let i = 0; i < pages; i++) {
        const form = new FormData();
        form.set('projectId', project.id);
        form.set('kind', 'page');
        form.set('position', String(i));
        form.set('file', new Blob([png], { type: 'image/png' }), `page-${i}.png`);
        await api('POST', '/api/images', reg.accessToken, form);
      }
      users.push({ token: reg.accessToken, projectId: project.id, email });
    }
    process.stdout.write(
      `seeded ${2 * pages} uploads in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`,
    );

    const probe = async (until: () => boolean) => {
      const latencies: number[] = [];
      const logins: number[] = [];
      let lastLogin = 0;
      const loginsRunning: Promise<void>[] = [];
      while (!until()) {
        if (performance.now() - lastLogin > 2000) {
          lastLogin = performance.now();
          const began = performance.now();
          loginsRunning.push(
            api('POST', '/api/auth/login', undefined, {
              email: users[0]!.email,
              password: 'correct horse battery',
            }).then(() => void logins.push(performance.now() - began)),
          );
        }
        const began = performance.now();
        const res = await fetch(`${base}/health`);
        await res.arrayBuffer();
        latencies.push(performance.now() - began);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await Promise.all(loginsRunning);
      return { latencies, logins };
    };

    const idleUntil = performance.now() + 10_000;
    const idle = await probe(() => performance.now() > idleUntil);

    const jobs: Array<{ id: string; token: string }> = [];
    for (let j = 0; j < exports; j++) {
      const user = users[j % 2]!;
      const job = await api('POST', `/api/projects/${user.projectId}/exports`, user.token, {
        format: 'pdf',
        trimSize: 'letter',
      });
      jobs.push({ id: job.id, token: user.token });
    }
    const renderStart = performance.now();
    let done = false;
    const ended = new Map<string, string>();
    const watch = (async () => {
      while (ended.size < jobs.length) {
        for (const job of jobs) {
          if (ended.has(job.id)) continue;
          const state = await api('GET', `/api/exports/${job.id}`, job.token);
          if (!['queued', 'running'].includes(state.status)) ended.set(job.id, state.status);
        }
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      done = true;
    })();
    const busy = await probe(() => done);
    await watch;
    const renderS = (performance.now() - renderStart) / 1000;

    const row = (label: string, r: { latencies: number[]; logins: number[] }) =>
      `  ${label}: /health p50 ${percentile(r.latencies, 50).toFixed(1)} ms, p99 ` +
      `${percentile(r.latencies, 99).toFixed(1)} ms, max ${Math.max(...r.latencies).toFixed(1)} ms ` +
      `(${r.latencies.length} probes); login p50 ${percentile(r.logins, 50).toFixed(0)} ms, max ` +
      `${Math.max(...r.logins).toFixed(0)} ms (${r.logins.length})`;
    const p99 = percentile(busy.latencies, 99);
    const statuses = [...ended.values()];
    process.stdout.write(
      [
        `${exports} export jobs of ${pages} pages of ${size} × ${size} px (${os.availableParallelism()} cores, ` +
          `Node ${process.version}, EXPORT_CONCURRENCY 1): ${renderS.toFixed(0)} s, ${statuses.join(', ')}`,
        row('idle     ', idle),
        row('rendering', busy),
        `  target /health p99 < ${TARGET_P99_MS} ms while rendering: ${p99 < TARGET_P99_MS ? 'PASS' : 'FAIL'}`,
      ].join('\n') + '\n',
    );
    if (p99 >= TARGET_P99_MS || statuses.some((s) => s !== 'succeeded')) process.exitCode = 1;
  } finally {
    child.disconnect();
    await new Promise((resolve) => child.once('exit', resolve));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--serve')) {
  serve(process.argv.find((a) => a.startsWith('--data-dir='))!.slice('--data-dir='.length)).catch((error) => {
    process.stderr.write(`${(error as Error).stack}\n`);
    process.exit(1);
  });
} else {
  main().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
