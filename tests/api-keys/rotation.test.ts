import crypto from 'node:crypto';
import request from 'supertest';
import { createApp } from '../../src/app';
import { createLogger } from '../../src/lib/logger';
import { rotateVaultKeys } from '../../src/modules/api-keys/api-keys.service';
import { testConfig, useResponseChecks, useTestApp } from '../helpers/app';
import { createUser, storeApiKey } from '../helpers/factories';

const OLD = `old:${crypto.randomBytes(32).toString('base64')}`;
const NEW = `new:${crypto.randomBytes(32).toString('base64')}`;

// The file's app still runs on the old master key only: it is what the servers ran before the rotation.
const t = useTestApp({ env: { ENCRYPTION_KEYS: OLD } });
// The apps of the other key settings answer what their document says too.
const checked = useResponseChecks();

/** Another app on the same database with another ENCRYPTION_KEYS, as after a deploy. */
function appWithKeys(keys: string) {
  const config = testConfig({ ENCRYPTION_KEYS: keys }, t.dataDir);
  const app = createApp({
    config,
    db: t.db,
    logger: createLogger({ level: 'error', json: false, silent: true }),
  });
  return { config, http: () => request(checked(app)) };
}

const sealedRows = async () =>
  (
    await t.db.query<{ provider: string; keyId: string; ciphertext: string }>(
      `SELECT provider, key_id AS "keyId", encode(ciphertext, 'hex') AS ciphertext FROM api_keys ORDER BY provider`,
    )
  ).rows;

test('when keys:rotate runs with a new current key, then every row moves to it, stays readable, and a rerun changes nothing', async () => {
  const alice = await createUser(t);
  const bob = await createUser(t);
  await storeApiKey(t, alice, 'alpha', 'sk-alice-alpha-0001');
  await storeApiKey(t, bob, 'beta', 'sk-bob-beta-0002');
  const before = await sealedRows();
  expect(before.map((r) => r.keyId)).toEqual(['old', 'old']);

  // Step 1 of the procedure: the new key first, the old one still listed. Reads work before the rotation
  // and new writes are sealed under the new key at once.
  const both = appWithKeys(`${NEW},${OLD}`);
  expect((await both.http().get('/api/api-keys/alpha').set(alice.auth)).body.key).toBe('sk-alice-alpha-0001');
  await both
    .http()
    .put('/api/api-keys/gamma')
    .set(alice.auth)
    .send({ key: 'sk-alice-gamma-0003' })
    .expect(201);
  expect((await sealedRows()).map((r) => r.keyId)).toEqual(['old', 'old', 'new']);

  // Step 2: rotate (batch size 1 walks the keyset pagination).
  const report = await rotateVaultKeys(t.db, both.config.encryptionKeys, undefined, 1);
  expect(report).toEqual({ currentKeyId: 'new', rotated: 2, failed: 0, remaining: { new: 3 } });
  const after = await sealedRows();
  expect(after.map((r) => r.keyId)).toEqual(['new', 'new', 'new']);
  expect(after[0].ciphertext).not.toBe(before[0].ciphertext);
  expect(after[1].ciphertext).not.toBe(before[1].ciphertext);

  // Step 3: the old key can leave the list; everything still decrypts, for its own owner only.
  const onlyNew = appWithKeys(NEW);
  expect((await onlyNew.http().get('/api/api-keys/alpha').set(alice.auth)).body.key).toBe(
    'sk-alice-alpha-0001',
  );
  expect((await onlyNew.http().get('/api/api-keys/beta').set(bob.auth)).body.key).toBe('sk-bob-beta-0002');
  expect((await onlyNew.http().get('/api/api-keys/gamma').set(alice.auth)).body.key).toBe(
    'sk-alice-gamma-0003',
  );
  expect((await onlyNew.http().get('/api/api-keys/beta').set(alice.auth)).status).toBe(404);

  // A server still on the old key alone cannot read the rotated rows: a clean 409, not a 500.
  const stale = await t.http().get('/api/api-keys/alpha').set(alice.auth);
  expect(stale.status).toBe(409);
  expect(stale.body.code).toBe('KEY_UNREADABLE');

  // Rerunning is safe: nothing left to do, nothing changes.
  const rerun = await rotateVaultKeys(t.db, both.config.encryptionKeys);
  expect(rerun).toEqual({ currentKeyId: 'new', rotated: 0, failed: 0, remaining: { new: 3 } });
  expect(await sealedRows()).toEqual(after);
});

test('when a row is under an unknown master key or tampered with, then it is reported and left, and the others rotate', async () => {
  const carol = await createUser(t);
  await storeApiKey(t, carol, 'fine', 'sk-carol-fine-0004');
  await storeApiKey(t, carol, 'tampered', 'sk-carol-tampered-05');
  await storeApiKey(t, carol, 'orphaned', 'sk-carol-orphaned-06');
  await t.db.query(
    `UPDATE api_keys SET auth_tag = decode(repeat('00', 16), 'hex') WHERE provider = 'tampered'`,
  );
  await t.db.query(`UPDATE api_keys SET key_id = 'retired' WHERE provider = 'orphaned'`);

  const both = appWithKeys(`${NEW},${OLD}`);
  const report = await rotateVaultKeys(t.db, both.config.encryptionKeys);
  expect(report.rotated).toBe(1);
  expect(report.failed).toBe(2);
  expect(report.remaining).toMatchObject({ old: 1, retired: 1 });
  const rows = await sealedRows();
  expect(rows.find((r) => r.provider === 'fine')?.keyId).toBe('new');
  expect(rows.find((r) => r.provider === 'tampered')?.keyId).toBe('old');
  expect(rows.find((r) => r.provider === 'orphaned')?.keyId).toBe('retired');

  const orphaned = await both.http().get('/api/api-keys/orphaned').set(carol.auth);
  expect(orphaned.status).toBe(409);
  expect(orphaned.body.code).toBe('KEY_UNREADABLE');
});
