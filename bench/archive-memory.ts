/**
 * Memory of a user's archive: a 1 GB account archived by the real job (POST /api/users/me/archives on the
 * app's router, worked by the app's job queue in this process), with the process's RSS sampled every few
 * milliseconds. The archive streams each stored file into the ZIP and the ZIP into the file store, so the
 * target is RSS growth under 100 MB whatever the account's size.
 *
 *   npm run bench:archive                          1 GiB: 128 files of 8 MiB in 8 projects (embedded database)
 *   npm run bench:archive -- --gib=2 --file-mib=4  any size
 *   DATABASE_URL=postgres://… npm run bench:archive
 *
 * The account is seeded straight into the store and the database (random bytes stored as PNG originals:
 * the archive copies bytes, it never decodes them), so seeding takes seconds, not the hours uploads of
 * 1 GB of real images would. Before the baseline: a garbage collection (run with --expose-gc, as the script
 * does) and a warm-up archive of a small account, so the baseline holds the code and pools the job uses.
 * The ZIP is then read back from the store and checked against the job's size and SHA-256.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db';
import { migrate } from '../src/db/migrate';
import { createLogger } from '../src/lib/logger';
import { fileKey } from '../src/storage/file-store';

const MB = 1024 * 1024;
const TARGET_GROWTH_MB = 100;

const arg = (name: string, fallback: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);

async function main(): Promise<void> {
  const gib = arg('gib', 1);
  const fileMib = arg('file-mib', 8);
  const projects = arg('projects', 8);
  const files = Math.ceil((gib * 1024) / fileMib);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'colorbook-bench-archive-'));
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'development',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    API_RATE_LIMIT: '100000',
    AUTH_RATE_LIMIT: '100000',
    JOB_POLL_INTERVAL_S: '0.5',
  });
  const logger = createLogger({ level: 'warn', json: false });
  const db = await openDatabase(config, logger);
  await migrate(db, logger);
  const app = createApp({ config, db, logger });
  const ctx = app.locals.context;
  await ctx.jobs.start({ work: true });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const api = async (method: string, url: string, token?: string, body?: unknown) => {
    const res = await fetch(base + url, {
      method,
      headers: {
        'Content-Type': 'application/json',
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json().catch(() => ({}))) as Record<string, any>;
    if (!res.ok) throw new Error(`${method} ${url} → ${res.status} ${JSON.stringify(json)}`);
    return json;
  };

  /** A user with `projectCount` projects holding `fileCount` stored originals of `bytesEach`. */
  async function seed(fileCount: number, bytesEach: number, projectCount: number) {
    const reg = await api('POST', '/api/auth/register', undefined, {
      email: `bench-${crypto.randomUUID()}@example.test`,
      password: 'correct horse battery',
    });
    const token = reg.accessToken as string;
    const userId = reg.user.id as string;
    const projectIds: string[] = [];
    for (let p = 0; p < projectCount; p++) {
      projectIds.push((await api('POST', '/api/projects', token, { title: `Bench ${p}` })).id as string);
    }
    const bytes = crypto.randomBytes(bytesEach);
    for (let i = 0; i < fileCount; i++) {
      bytes.writeUInt32BE(i, 0); // each file its own bytes (and SHA-256)
      const key = fileKey('images', userId, 'image/png');
      await ctx.store.put(key, { buffer: bytes }, { contentType: 'image/png' });
      await db.query(
        `INSERT INTO images (user_id, project_id, kind, title, mime_type, width, height, size_bytes, sha256,
                             position, metadata, storage_key, thumbnail_key)
         VALUES ($1, $2, 'page', $3, 'image/png', 2000, 2000, $4, $5, $6, '{}', $7, $7)`,
        [
          userId,
          projectIds[i % projectCount],
          `Page ${i}`,
          bytesEach,
          crypto.createHash('sha256').update(bytes).digest('hex'),
          i,
          key,
        ],
      );
    }
    return { token, userId };
  }

  async function archive(token: string) {
    const started = await api('POST', '/api/users/me/archives', token);
    for (;;) {
      const job = await api('GET', `/api/users/me/archives/${started.id}`, token);
      if (job.status === 'succeeded') return job;
      if (job.status !== 'queued' && job.status !== 'running')
        throw new Error(`archive ${job.status}: ${job.error}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  try {
    const small = await seed(4, MB, 1);
    await archive(small.token);
    process.stdout.write(`seeding ${files} files of ${fileMib} MiB in ${projects} projects…\n`);
    const big = await seed(files, fileMib * MB, projects);

    (globalThis as { gc?: () => void }).gc?.();
    const baseline = process.memoryUsage();
    let peak = baseline.rss;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage.rss());
    }, 5);
    const cpuBefore = process.cpuUsage();
    const t0 = performance.now();
    const job = await archive(big.token);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    clearInterval(sampler);

    // The ZIP read back from the store: its size and SHA-256 are the job's.
    const key = (
      await db.query<{ file_key: string }>('SELECT file_key FROM archive_jobs WHERE id = $1', [job.id])
    ).rows[0]!.file_key;
    const stored = await ctx.store.get(key);
    const hash = crypto.createHash('sha256');
    let size = 0;
    for await (const chunk of stored!.stream) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
    const intact = size === job.sizeBytes && hash.digest('hex') === job.sha256;

    const growth = (peak - baseline.rss) / MB;
    const lines = [
      `archive of ${job.counts.images} files, ${(files * fileMib) / 1024} GiB, ${projects} projects ` +
        `(${config.database.url ? 'PostgreSQL' : 'embedded PGlite'}, local store, Node ${process.version})`,
      `  ZIP: ${(job.sizeBytes / MB).toFixed(0)} MiB in ${seconds.toFixed(1)} s ` +
        `(${(job.sizeBytes / MB / seconds).toFixed(0)} MiB/s), read back intact: ${intact}`,
      `  CPU: ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s ` +
        `(${((cpu.user + cpu.system) / 1e3 / (job.sizeBytes / MB)).toFixed(1)} ms per MiB)`,
      `  RSS: baseline ${(baseline.rss / MB).toFixed(0)} MiB, peak ${(peak / MB).toFixed(0)} MiB, ` +
        `growth ${growth.toFixed(1)} MiB (target < ${TARGET_GROWTH_MB} MiB): ` +
        `${growth < TARGET_GROWTH_MB && intact ? 'PASS' : 'FAIL'}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    if (!intact || growth >= TARGET_GROWTH_MB) process.exitCode = 1;
  } finally {
    server.close();
    await ctx.jobs.stop();
    await ctx.mailer.close(1000).catch(() => undefined);
    await ctx.store.close();
    await db.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
