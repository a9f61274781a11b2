import crypto from 'node:crypto';

/**
 * The key vault's encryption: AES-256-GCM under a master key named by an id, a fresh random 12-byte nonce
 * per value, and associated data that binds each value to its owner. No I/O and no state; the callers
 * keep `keyId`, `nonce`, `ciphertext` and `tag` next to each other and pass the same associated data back.
 */

export interface MasterKey {
  /** Stored with each value so the right key is picked after a rotation. */
  id: string;
  /** 32 bytes (AES-256). */
  key: Buffer;
}

export interface Sealed {
  keyId: string;
  nonce: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

const ALGORITHM = 'aes-256-gcm';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/**
 * Why a value could not be opened. The message never carries key material, ciphertext or plaintext:
 * it may end up in a log line.
 */
export class DecryptionError extends Error {
  constructor(readonly reason: 'unknown-key' | 'authentication-failed' | 'malformed') {
    super(
      reason === 'unknown-key'
        ? 'the value was sealed under a master key that is not configured'
        : reason === 'malformed'
          ? 'the sealed value is malformed'
          : 'the value does not authenticate (tampered, or sealed for another owner)',
    );
    this.name = 'DecryptionError';
  }
}

function assertKey(master: MasterKey): void {
  if (master.key.length !== KEY_BYTES) throw new Error(`master key "${master.id}" must be 32 bytes`);
}

/**
 * Encrypts `plaintext` under `master` with a fresh random nonce. `associatedData` (the owner's id) is
 * authenticated but not stored: opening with any other value fails, so a ciphertext copied into another
 * owner's row does not decrypt.
 */
export function seal(plaintext: string, master: MasterKey, associatedData: string): Sealed {
  assertKey(master);
  const nonce = crypto.randomBytes(NONCE_BYTES);
  const cipher = crypto.createCipheriv(ALGORITHM, master.key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { keyId: master.id, nonce, ciphertext, tag: cipher.getAuthTag() };
}

/**
 * Decrypts a sealed value with the master key its `keyId` names (any key of the list, not only the
 * current one). Throws DecryptionError when the key is unknown or the value does not authenticate.
 */
export function open(sealed: Sealed, keys: readonly MasterKey[], associatedData: string): string {
  const master = keys.find((k) => k.id === sealed.keyId);
  if (!master) throw new DecryptionError('unknown-key');
  assertKey(master);
  if (sealed.nonce.length !== NONCE_BYTES || sealed.tag.length !== TAG_BYTES) {
    throw new DecryptionError('malformed');
  }
  try {
    const decipher = crypto.createDecipheriv(ALGORITHM, master.key, sealed.nonce, {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(sealed.tag);
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
  } catch {
    // OpenSSL's own message says nothing useful and is not ours to pass on.
    throw new DecryptionError('authentication-failed');
  }
}

/**
 * Re-encrypts a sealed value under `current` (a fresh nonce too). Values already under `current` are
 * returned as they are, so a rotation can be run again safely.
 */
export function reseal(
  sealed: Sealed,
  keys: readonly MasterKey[],
  current: MasterKey,
  associatedData: string,
): { sealed: Sealed; changed: boolean } {
  if (sealed.keyId === current.id) return { sealed, changed: false };
  return { sealed: seal(open(sealed, keys, associatedData), current, associatedData), changed: true };
}

/** The last four characters, the only part of a secret the API shows without being asked. */
export function lastFour(secret: string): string {
  return [...secret].slice(-4).join('');
}
