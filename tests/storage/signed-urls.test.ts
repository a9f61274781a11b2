import crypto from 'node:crypto';
import { InvalidFileKeyError } from '../../src/storage/file-store';
import { createUrlSigner } from '../../src/storage/signed-urls';

const SECRET = 'signed-url-test-secret-that-is-long-enough-012345';
const KEY = 'images/0b0c6a36-3f5e-4ab3-9b3e-6f4f2b1f1a11/5d2c8f4e-7c1b-4f7e-9a51-2f0d1f3c9e77.png';
const NOW = Date.UTC(2030, 0, 1, 12, 0, 0);

/** A signer whose clock reads `at` (ms). */
const signerAt = (at: number, ttlS = 900, secret = SECRET) =>
  createUrlSigner({ secret, ttlS, now: () => at });

function parse(url: string) {
  const parsed = new URL(url, 'http://api.test');
  return {
    path: parsed.pathname,
    key: parsed.pathname.replace(/^\/api\/files\//, ''),
    exp: Number(parsed.searchParams.get('exp')),
    sig: parsed.searchParams.get('sig')!,
  };
}

describe('signed file URLs', () => {
  test('when a key is signed, then the URL names the key, expires after the TTL and verifies', () => {
    const signer = signerAt(NOW);
    const { url, expiresAt } = signer.sign(KEY);
    const { path, key, exp, sig } = parse(url);
    expect(path).toBe(`/api/files/${KEY}`);
    expect(exp).toBe(NOW / 1000 + 900);
    expect(expiresAt).toBe(exp);
    expect(sig).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(signer.verify(key, exp, sig)).toBe('valid');
    expect(signer.secondsLeft(exp)).toBe(900);
  });

  test('when a base URL is given, then the URL is absolute under it and verifies the same', () => {
    const signer = createUrlSigner({
      secret: SECRET,
      ttlS: 900,
      baseUrl: 'http://localhost:3000',
      now: () => NOW,
    });
    const { url } = signer.sign(KEY);
    expect(url.startsWith(`http://localhost:3000/api/files/${KEY}?exp=`)).toBe(true);
    const { key, exp, sig } = parse(url);
    expect(signer.verify(key, exp, sig)).toBe('valid');
    expect(sig).toBe(parse(signerAt(NOW).sign(KEY).url).sig);
  });

  test('when the key is changed, then the signature is invalid', () => {
    const signer = signerAt(NOW);
    const { exp, sig } = parse(signer.sign(KEY).url);
    expect(signer.verify(KEY.replace(/\.png$/, '-thumb.webp'), exp, sig)).toBe('invalid');
  });

  test('when the signature is changed by one character, then it is invalid', () => {
    const signer = signerAt(NOW);
    const { exp, sig } = parse(signer.sign(KEY).url);
    const flipped = sig.slice(0, 10) + (sig[10] === 'A' ? 'B' : 'A') + sig.slice(11);
    expect(signer.verify(KEY, exp, flipped)).toBe('invalid');
    expect(signer.verify(KEY, exp, sig.slice(0, -1))).toBe('invalid');
    expect(signer.verify(KEY, exp, `${sig}=`)).toBe('invalid');
    expect(signer.verify(KEY, exp, '')).toBe('invalid');
  });

  test('when the expiry is moved later, then the signature is invalid', () => {
    const signer = signerAt(NOW);
    const { exp, sig } = parse(signer.sign(KEY).url);
    expect(signer.verify(KEY, exp + 3600, sig)).toBe('invalid');
  });

  test('when the clock passes the expiry, then an authentic URL is expired', () => {
    const { exp, sig } = parse(signerAt(NOW).sign(KEY).url);
    expect(signerAt(NOW + 899_000).verify(KEY, exp, sig)).toBe('valid');
    expect(signerAt(NOW + 900_000).verify(KEY, exp, sig)).toBe('expired');
    expect(signerAt(NOW + 900_000).secondsLeft(exp)).toBe(0);
  });

  test('when part of a second has passed, then max-age is rounded down: never past the signature', () => {
    const { exp } = parse(signerAt(NOW).sign(KEY).url);
    // 0.9 s after signing, 899.1 s are left: a cache may keep the file 899 s, not 900.
    expect(signerAt(NOW + 900).secondsLeft(exp)).toBe(899);
    expect(signerAt(NOW + 899_500).secondsLeft(exp)).toBe(0);
  });

  test('when another secret signed it, or the JWT secret itself is the HMAC key, then it is invalid', () => {
    const { exp, sig } = parse(signerAt(NOW, 900, `${SECRET}-other`).sign(KEY).url);
    expect(signerAt(NOW).verify(KEY, exp, sig)).toBe('invalid');
    // The URL key is derived with HKDF: an HMAC under the raw secret is not a valid signature.
    const raw = crypto.createHmac('sha256', SECRET).update(`${KEY}\n${exp}`).digest('base64url');
    expect(signerAt(NOW).verify(KEY, exp, raw)).toBe('invalid');
  });

  test('when a key could not have been made by the server, then signing refuses it', () => {
    expect(() => signerAt(NOW).sign('../../etc/passwd')).toThrow(InvalidFileKeyError);
  });

  test('when a custom TTL is asked for, then the URL lives that long', () => {
    const { exp } = parse(signerAt(NOW).sign(KEY, { ttlS: 60 }).url);
    expect(exp).toBe(NOW / 1000 + 60);
  });
});
