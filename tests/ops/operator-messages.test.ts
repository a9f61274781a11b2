import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import request from 'supertest';
import winston from 'winston';
import { createApp } from '../../src/app';
import { testConfig } from '../helpers/app';
import { openDatabase } from '../../src/db';
import { DatabaseUnavailableError } from '../../src/db/database';
import { createLogger } from '../../src/lib/logger';
import { freePort } from '../helpers/spawn-server';

/**
 * What an operator reads when the database is not there: the cause (`ECONNREFUSED 127.0.0.1:5432`), not only
 * "database unavailable". A free port on loopback is a PostgreSQL that refuses, for real.
 */

const root = path.resolve(__dirname, '..', '..');
const tsxLoader = pathToFileURL(path.join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

describe('a refused database connection', () => {
  test.each(['127.0.0.1', 'localhost'])(
    'when the database at %s refuses, then the error says what was refused and where',
    async (host) => {
      const port = await freePort();
      const config = testConfig({
        DATABASE_URL: `postgres://postgres@${host}:${port}/colorbook_test_refused`,
      });
      const db = await openDatabase(config, createLogger({ level: 'error', json: true }));
      try {
        const error = await db.ping().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(DatabaseUnavailableError);
        // localhost may be tried as ::1 and 127.0.0.1: both are named, never an empty message.
        expect((error as Error).message).toMatch(
          new RegExp(`^database unavailable: .*ECONNREFUSED (127\\.0\\.0\\.1|::1):${port}`),
        );
      } finally {
        await db.close();
      }
    },
  );

  test('when the server starts against a refusing database, then its retry log names the refused address', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', tsxLoader, 'src/server.ts'], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'development',
        LOG_LEVEL: 'info',
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'colorbook-refused-')),
        DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/colorbook_test_refused`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    try {
      const line = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no retry log line:\n${output}`)), 30_000);
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          const found = output.split('\n').find((l) => l.includes('database not ready; retrying'));
          if (found) {
            clearTimeout(timer);
            resolve(found);
          }
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.on('exit', () => reject(new Error(`the server exited:\n${output}`)));
      });
      expect(line).toContain(`ECONNREFUSED 127.0.0.1:${port}`);
    } finally {
      child.kill('SIGKILL');
    }
  }, 40_000);

  test('when /ready finds the database refusing, then it answers 503 and logs the cause once, not on every probe', async () => {
    const port = await freePort();
    const config = testConfig({
      DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/colorbook_test_refused`,
    });
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = createLogger({
      level: 'info',
      json: true,
      transports: [new winston.transports.Stream({ stream: sink })],
    });
    const db = await openDatabase(config, logger);
    try {
      const app = createApp({ config, db, logger });
      for (let probe = 0; probe < 3; probe++) {
        const res = await request(app).get('/ready');
        expect(res.status).toBe(503);
        expect(res.body.code).toBe('SERVICE_UNAVAILABLE');
      }
      const logged = lines.filter((line) => line.includes('not ready: database unreachable'));
      expect(logged).toHaveLength(1);
      expect(logged[0]).toContain(`ECONNREFUSED 127.0.0.1:${port}`);
    } finally {
      await db.close();
    }
  });
});
