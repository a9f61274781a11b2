// ENCRYPTION_KEYS for the .env that scripts/setup.sh (and setup.ps1) writes: a fresh primary key first, then
// every key the server used so far, for decryption only. Before there was a .env, `npm start` sealed stored
// secrets (users' AI provider keys) with the development key it keeps in DATA_DIR/dev-secrets.json; a .env
// without that key would leave them unreadable. Prints the value on stdout, what it kept on stderr.
// No dependencies: it runs right after `npm install`, before anything is built.
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const dataDir = path.resolve(process.env.DATA_DIR || './data');
const devSecretsFile = path.join(dataDir, 'dev-secrets.json');

/** The `id:base64key` entries of an ENCRYPTION_KEYS value (the format src/config.ts reads). */
const entries = (value) =>
  String(value ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.indexOf(':') > 0);

let kept = [];
try {
  kept = entries(JSON.parse(fs.readFileSync(devSecretsFile, 'utf8')).ENCRYPTION_KEYS);
} catch (error) {
  if (error.code !== 'ENOENT') throw new Error(`${devSecretsFile}: ${error.message}`, { cause: error });
}

const id = (entry) => entry.slice(0, entry.indexOf(':'));
const primary = `k${Date.now()}:${crypto.randomBytes(32).toString('base64')}`;
// Key ids must be unique (src/config.ts): the new id is a timestamp, the development one `dev1`.
const keys = [primary, ...kept.filter((entry) => id(entry) !== id(primary))];
if (kept.length > 0) {
  const names = kept.map(id).join(', ');
  console.error(
    `Kept the development key ${names} from ${devSecretsFile}: data saved by earlier runs stays readable.`,
  );
}
process.stdout.write(`${keys.join(',')}\n`);
