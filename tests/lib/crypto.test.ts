import crypto from 'node:crypto';
import { DecryptionError, lastFour, open, reseal, seal, type MasterKey } from '../../src/lib/crypto';

const oldKey: MasterKey = { id: 'old', key: crypto.randomBytes(32) };
const newKey: MasterKey = { id: 'new', key: crypto.randomBytes(32) };
const owner = '6f1c7a52-3a0e-4f7e-9d7e-2b8b1f0f5c11';
const secret = 'sk-test-1234567890abcdef';

function expectDecryptionError(fn: () => unknown, reason: DecryptionError['reason']): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(DecryptionError);
  expect((caught as DecryptionError).reason).toBe(reason);
  expect((caught as Error).message).not.toContain(secret);
}

describe('seal and open', () => {
  test('when a value is sealed and opened with the same owner, then the plaintext comes back', () => {
    const sealed = seal(secret, oldKey, owner);
    expect(sealed.keyId).toBe('old');
    expect(sealed.nonce).toHaveLength(12);
    expect(sealed.tag).toHaveLength(16);
    expect(sealed.ciphertext.toString('utf8')).not.toContain(secret);
    expect(open(sealed, [newKey, oldKey], owner)).toBe(secret);
  });

  test('when the same value is sealed twice, then nonces and ciphertexts differ', () => {
    const a = seal(secret, oldKey, owner);
    const b = seal(secret, oldKey, owner);
    expect(a.nonce.equals(b.nonce)).toBe(false);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
  });

  test('when opened for another owner, then it fails to authenticate', () => {
    const sealed = seal(secret, oldKey, owner);
    expectDecryptionError(() => open(sealed, [oldKey], 'another-owner'), 'authentication-failed');
  });

  test.each(['ciphertext', 'tag', 'nonce'] as const)(
    'when one bit of the %s is flipped, then it fails to authenticate',
    (part) => {
      const sealed = seal(secret, oldKey, owner);
      const tampered = { ...sealed, [part]: Buffer.from(sealed[part]) };
      tampered[part][0] ^= 1;
      expectDecryptionError(() => open(tampered, [oldKey], owner), 'authentication-failed');
    },
  );

  test('when the key id is not among the master keys, then it fails as unknown-key', () => {
    const sealed = seal(secret, oldKey, owner);
    expectDecryptionError(() => open(sealed, [newKey], owner), 'unknown-key');
  });

  test('when the nonce or tag has the wrong length, then it fails as malformed', () => {
    const sealed = seal(secret, oldKey, owner);
    expectDecryptionError(
      () => open({ ...sealed, tag: sealed.tag.subarray(0, 8) }, [oldKey], owner),
      'malformed',
    );
    expectDecryptionError(() => open({ ...sealed, nonce: Buffer.alloc(16) }, [oldKey], owner), 'malformed');
  });

  test('when a master key is not 32 bytes, then sealing refuses it', () => {
    expect(() => seal(secret, { id: 'short', key: Buffer.alloc(16) }, owner)).toThrow(/32 bytes/);
  });
});

describe('reseal', () => {
  test('when a value is under an old key, then it is re-encrypted under the current one', () => {
    const sealed = seal(secret, oldKey, owner);
    const { sealed: next, changed } = reseal(sealed, [newKey, oldKey], newKey, owner);
    expect(changed).toBe(true);
    expect(next.keyId).toBe('new');
    expect(open(next, [newKey], owner)).toBe(secret);
  });

  test('when a value is already under the current key, then it is returned unchanged', () => {
    const sealed = seal(secret, newKey, owner);
    const result = reseal(sealed, [newKey, oldKey], newKey, owner);
    expect(result.changed).toBe(false);
    expect(result.sealed).toBe(sealed);
  });
});

describe('lastFour', () => {
  test('when given a key, then it answers its last four characters', () => {
    expect(lastFour(secret)).toBe('cdef');
    expect(lastFour('abc')).toBe('abc');
  });
});
