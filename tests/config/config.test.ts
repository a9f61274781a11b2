import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'colorbook-config-'));

describe('loadConfig', () => {
  test('when production starts without secrets, then it refuses and names each missing variable', () => {
    let error: unknown;
    try {
      loadConfig({ NODE_ENV: 'production', DATA_DIR: tmp() });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('JWT_SECRET, ENCRYPTION_KEYS, DATABASE_URL');
    expect((error as ConfigError).problems).toEqual([
      'JWT_SECRET is required in production',
      'ENCRYPTION_KEYS is required in production',
      'DATABASE_URL is required in production',
    ]);
  });

  test('when production has everything but one, then only that one is named', () => {
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        JWT_SECRET: 'x'.repeat(40),
        DATABASE_URL: 'postgres://u@db/app',
      }),
    ).toThrow(/missing: ENCRYPTION_KEYS\./);
  });

  test('when development starts with nothing, then secrets are generated once under DATA_DIR and kept', () => {
    const dir = tmp();
    const first = loadConfig({ DATA_DIR: dir });
    const second = loadConfig({ DATA_DIR: dir });
    expect(first.auth.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(second.auth.jwtSecret).toBe(first.auth.jwtSecret);
    expect(second.encryptionKeys[0].key.equals(first.encryptionKeys[0].key)).toBe(true);
    const file = path.join(dir, 'dev-secrets.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(first.database.url).toBeUndefined();
    expect(first.port).toBe(3000);
  });

  test('when values are malformed, then every problem is reported at once', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({
        DATA_DIR: tmp(),
        PORT: 'abc',
        ACCESS_TOKEN_TTL: '15x',
        STORAGE_DRIVER: 'ftp',
        JWT_SECRET: 'short',
      });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems.join('\n')).toMatch(/PORT/);
    expect(error!.problems.join('\n')).toMatch(/ACCESS_TOKEN_TTL/);
    expect(error!.problems.join('\n')).toMatch(/STORAGE_DRIVER/);
    expect(error!.problems.join('\n')).toMatch(/JWT_SECRET/);
  });

  test('when the export bounds are unset, then one render at once and a 30 s wait; out of range, then named', () => {
    const defaults = loadConfig({ DATA_DIR: tmp() });
    expect(defaults.export).toEqual({
      concurrency: 1,
      queueTimeoutMs: 30_000,
      retentionH: 24,
      jobTimeoutS: 900,
    });
    expect(loadConfig({ DATA_DIR: tmp(), EXPORT_CONCURRENCY: '3' }).export.concurrency).toBe(3);
    let error: ConfigError | undefined;
    try {
      loadConfig({ DATA_DIR: tmp(), EXPORT_CONCURRENCY: '0', EXPORT_QUEUE_TIMEOUT_MS: 'soon' });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems.join('\n')).toMatch(/EXPORT_CONCURRENCY/);
    expect(error!.problems.join('\n')).toMatch(/EXPORT_QUEUE_TIMEOUT_MS/);
  });

  test('when the job settings are unset, then API and worker in one process, hourly maintenance, no backup schedule; a bad value is named', () => {
    const defaults = loadConfig({ DATA_DIR: tmp() });
    expect(defaults.jobs).toEqual({
      worker: 'on',
      healthPort: 3001,
      pollIntervalS: 1,
      superviseIntervalS: 60,
      maintenanceSchedule: '7 * * * *',
    });
    expect(defaults.backup.schedule).toBeUndefined();
    expect(loadConfig({ DATA_DIR: tmp(), WORKER: 'only', BACKUP_SCHEDULE: '0 3 * * *' })).toMatchObject({
      jobs: { worker: 'only' },
      backup: { schedule: '0 3 * * *' },
    });
    let error: ConfigError | undefined;
    try {
      loadConfig({
        DATA_DIR: tmp(),
        WORKER: 'sometimes',
        MAINTENANCE_SCHEDULE: 'every hour',
        BACKUP_SCHEDULE: '61 * * * *',
        JOB_POLL_INTERVAL_S: '0.1',
      });
    } catch (e) {
      error = e as ConfigError;
    }
    const problems = error!.problems.join('\n');
    for (const name of ['WORKER', 'MAINTENANCE_SCHEDULE', 'BACKUP_SCHEDULE', 'JOB_POLL_INTERVAL_S']) {
      expect(problems).toMatch(new RegExp(`"${name}"`));
    }
  });

  test('when the mail retries are unset, then 12 retries from 15 s; out of range, then named', () => {
    const defaults = loadConfig({ DATA_DIR: tmp() }).mail;
    expect({ retryLimit: defaults.retryLimit, retryDelayS: defaults.retryDelayS }).toEqual({
      retryLimit: 12,
      retryDelayS: 15,
    });
    const set = loadConfig({ DATA_DIR: tmp(), MAIL_RETRY_LIMIT: '0', MAIL_RETRY_DELAY_S: '1' }).mail;
    expect({ retryLimit: set.retryLimit, retryDelayS: set.retryDelayS }).toEqual({
      retryLimit: 0,
      retryDelayS: 1,
    });
    let error: ConfigError | undefined;
    try {
      loadConfig({ DATA_DIR: tmp(), MAIL_RETRY_LIMIT: '-1', MAIL_RETRY_DELAY_S: '0' });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems.join('\n')).toMatch(/MAIL_RETRY_LIMIT/);
    expect(error!.problems.join('\n')).toMatch(/MAIL_RETRY_DELAY_S/);
  });

  test('when ENCRYPTION_KEYS is malformed, then the problem is named', () => {
    expect(() =>
      loadConfig({ DATA_DIR: tmp(), ENCRYPTION_KEYS: 'k1:dG9vLXNob3J0', JWT_SECRET: 'x'.repeat(40) }),
    ).toThrow(/ENCRYPTION_KEYS: key "k1" must decode to 32 bytes/);
  });

  test('when production has a missing secret, malformed values and a malformed key, then one message names them all', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({
        NODE_ENV: 'production',
        DATA_DIR: tmp(),
        DATABASE_URL: 'postgres://u@db/app',
        PORT: 'abc',
        STORAGE_DRIVER: 'ftp',
        ENCRYPTION_KEYS: 'k1:dG9vLXNob3J0',
      });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems).toHaveLength(4);
    expect(error!.problems[0]).toBe('JWT_SECRET is required in production');
    for (const named of ['missing: JWT_SECRET.', 'PORT', 'STORAGE_DRIVER', 'ENCRYPTION_KEYS: key "k1"'])
      expect(error!.message).toContain(named);
  });

  test('when durations are given, then seconds and units both work', () => {
    const config = loadConfig({ DATA_DIR: tmp(), ACCESS_TOKEN_TTL: '900', REFRESH_TOKEN_TTL: '30d' });
    expect(config.auth.accessTokenTtlS).toBe(900);
    expect(config.auth.refreshTokenTtlS).toBe(30 * 86400);
    expect(loadConfig({ DATA_DIR: tmp(), ACCESS_TOKEN_TTL: '15m' }).auth.accessTokenTtlS).toBe(900);
  });

  test('when a variable is set to the empty string (as in .env.example), then it counts as unset', () => {
    const config = loadConfig({ DATA_DIR: tmp(), DATABASE_URL: '', PORT: '', REDIS_URL: '' });
    expect(config.database.url).toBeUndefined();
    expect(config.port).toBe(3000);
  });

  test('when PUBLIC_URL is unset, then it is localhost on PORT for a server on every interface, else the bound address', () => {
    const base = { DATA_DIR: tmp() };
    expect(loadConfig(base).publicUrl).toBe('http://localhost:3000');
    expect(loadConfig({ ...base, PORT: '8080', HOST: '127.0.0.1' }).publicUrl).toBe('http://localhost:8080');
    expect(loadConfig({ ...base, HOST: '192.168.1.5' }).publicUrl).toBe('http://192.168.1.5:3000');
    expect(loadConfig({ ...base, HOST: 'fd00::5' }).publicUrl).toBe('http://[fd00::5]:3000');
    expect(loadConfig({ ...base, PUBLIC_URL: 'https://api.example.com/' }).publicUrl).toBe(
      'https://api.example.com',
    );
    expect(() => loadConfig({ ...base, PUBLIC_URL: 'ftp://api.example.com' })).toThrow(/PUBLIC_URL/);
  });

  test('when COMPRESSION or S3_PUBLIC_ENDPOINT are given, then they are read; malformed ones are named', () => {
    const base = { DATA_DIR: tmp() };
    expect(loadConfig(base).http.compression).toBe(true);
    expect(loadConfig({ ...base, COMPRESSION: 'off' }).http.compression).toBe(false);
    expect(() => loadConfig({ ...base, COMPRESSION: 'maybe' })).toThrow(/COMPRESSION/);
    expect(loadConfig(base).storage.s3.publicEndpoint).toBeUndefined();
    expect(
      loadConfig({ ...base, S3_PUBLIC_ENDPOINT: 'http://localhost:9000' }).storage.s3.publicEndpoint,
    ).toBe('http://localhost:9000');
    expect(() => loadConfig({ ...base, S3_PUBLIC_ENDPOINT: 'minio:9000' })).toThrow(/S3_PUBLIC_ENDPOINT/);
  });

  test('when the config is built, then it is frozen all the way down', () => {
    const config = loadConfig({ DATA_DIR: tmp() });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.auth)).toBe(true);
    expect(() => {
      (config.auth as { bcryptCost: number }).bcryptCost = 1;
    }).toThrow(TypeError);
  });
});

describe('the server process', () => {
  test('when started in production without secrets, then it exits 1 and names them', () => {
    const root = path.resolve(__dirname, '../..');
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH, NODE_ENV: 'production', DATA_DIR: tmp() },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stdout + result.stderr).toContain('missing: JWT_SECRET, ENCRYPTION_KEYS, DATABASE_URL');
  });
});
