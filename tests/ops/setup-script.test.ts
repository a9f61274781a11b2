import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import dotenv from 'dotenv';
import { loadConfig } from '../../src/config';
import { open, seal } from '../../src/lib/crypto';

/**
 * scripts/setup.sh in a copy of the repository's files it reads. `npm install` and `npm run migrate` are not
 * what is tested here: an `npm` that does nothing stands in for them on PATH. The .env it writes must still
 * decrypt what the development key (DATA_DIR/dev-secrets.json, made by `npm start`) sealed before.
 */

const root = path.resolve(__dirname, '..', '..');

function setupCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'colorbook-setup-'));
  fs.mkdirSync(path.join(dir, 'scripts'));
  for (const file of ['scripts/setup.sh', 'scripts/setup-encryption-keys.cjs', '.env.example'])
    fs.copyFileSync(path.join(root, file), path.join(dir, file));
  const bin = path.join(dir, 'fake-bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'npm'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  return dir;
}

function runSetup(dir: string): string {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${path.join(dir, 'fake-bin')}${path.delimiter}${process.env.PATH}`,
  };
  delete env.DATA_DIR;
  const script = path.join(dir, 'scripts', 'setup.sh');
  return execFileSync('bash', [script], {
    cwd: dir,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

const writtenEnv = (dir: string) => dotenv.parse(fs.readFileSync(path.join(dir, '.env')));

describe('scripts/setup.sh', () => {
  test('when npm start made a development key before, then the new .env has a new primary key and keeps the development key', () => {
    const dir = setupCopy();
    // What `npm start` without a .env does: generate and keep dev secrets under ./data.
    const before = loadConfig({ DATA_DIR: path.join(dir, 'data') });
    const devKey = before.encryptionKeys[0];
    const sealed = seal('sk-saved-before-setup', devKey, 'ai-key:1');

    runSetup(dir);

    const env = writtenEnv(dir);
    const after = loadConfig({
      DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'colorbook-setup-data-')),
      JWT_SECRET: env.JWT_SECRET,
      ENCRYPTION_KEYS: env.ENCRYPTION_KEYS,
    });
    expect(after.encryptionKeys).toHaveLength(2);
    expect(after.encryptionKeys[0].id).not.toBe(devKey.id);
    expect(after.encryptionKeys[1].id).toBe(devKey.id);
    expect(after.encryptionKeys[1].key.equals(devKey.key)).toBe(true);
    expect(open(sealed, after.encryptionKeys, 'ai-key:1')).toBe('sk-saved-before-setup');
    expect(fs.statSync(path.join(dir, '.env')).mode & 0o777).toBe(0o600);
  });

  test('when there was no development key, then the .env has one fresh key', () => {
    const dir = setupCopy();
    runSetup(dir);
    const keys = writtenEnv(dir).ENCRYPTION_KEYS.split(',');
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^k\d+:/);
  });

  test('when a .env exists, then it is left exactly as it is', () => {
    const dir = setupCopy();
    fs.writeFileSync(path.join(dir, '.env'), 'ENCRYPTION_KEYS=old1:AAAA\n');
    expect(runSetup(dir)).toContain('.env exists; left as it is.');
    expect(fs.readFileSync(path.join(dir, '.env'), 'utf8')).toBe('ENCRYPTION_KEYS=old1:AAAA\n');
  });
});
