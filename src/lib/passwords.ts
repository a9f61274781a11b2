import bcrypt from 'bcrypt';
import { Semaphore } from './semaphore';

/**
 * bcrypt, always async (libuv's pool), with a cap on hashes in flight so a login storm cannot take every
 * core from the event loop. Verifying against a dummy hash when the account does not exist makes an
 * unknown email cost the same as a wrong password.
 */
export class Passwords {
  private readonly gate: Semaphore;
  private dummy?: Promise<string>;

  constructor(
    private readonly cost: number,
    concurrency: number,
  ) {
    this.gate = new Semaphore(concurrency);
  }

  hash(password: string): Promise<string> {
    return this.gate.run(() => bcrypt.hash(password, this.cost));
  }

  /** Compares against `hash`, or against a dummy hash of the same cost when there is none. */
  async verify(password: string, hash: string | null | undefined): Promise<boolean> {
    const target = hash ?? (await (this.dummy ??= bcrypt.hash('not-a-real-password', this.cost)));
    const ok = await this.gate.run(() => bcrypt.compare(password, target));
    return ok && hash != null;
  }
}

/** bcrypt reads at most 72 bytes; longer passwords are refused rather than silently truncated. */
export const MAX_PASSWORD_BYTES = 72;
export const MIN_PASSWORD_CHARS = 8;
