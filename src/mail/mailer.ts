import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Config } from '../config';
import type { Logger } from '../lib/logger';
import { Counter, type Registry } from 'prom-client';
import type { Database } from '../db/database';
import type { JobQueue, JobRun } from '../jobs/queue';
import { requestContext } from '../lib/async-context';
import { open, seal, type MasterKey, type Sealed } from '../lib/crypto';

/** `smtp`: SMTP_URL. `outbox`: `.eml` files under DATA_DIR/outbox (no SMTP_URL outside production). `off`: neither. */
export type MailMode = 'smtp' | 'outbox' | 'off';

/** What a message is for; it names log lines and outbox files. */
export type MailKind = 'password_reset' | 'email_verification' | 'project_invitation';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The action link. Logged in outbox mode only, so development needs no mail server. */
  link: string;
}

/**
 * Turns a mail job's payload into a message when the worker runs it, or null when there is nothing to send
 * any more (the token was spent or replaced, the invitation revoked, the address has no account). Defined
 * by the module that owns the kind (`mailer.define`). Throwing retries the job.
 */
export type MailComposer<P> = (payload: P) => Promise<OutgoingMail | null>;

export interface MailerStats {
  /** Mail jobs this process enqueued (`send`). */
  queued: number;
  sent: number;
  /** Jobs that found nothing to send (unknown address, token replaced, invitation revoked). */
  skipped: number;
  /** Delivery attempts that failed (logged; retried unless the failure is permanent or the last). */
  failed: number;
  /** Mail given up: refused for good by the server, or every retry failed (the `mail-dead` queue). */
  undelivered: number;
  /** Jobs dropped because mail is off (logged). */
  dropped: number;
}

/**
 * Outgoing mail through the durable job queue (docs/mail.md). `send` enqueues a job in the caller's
 * transaction, its payload (tokens, addresses) sealed with the vault's master key; a worker process opens
 * it, composes the message with the kind's composer and delivers it, and pg-boss retries a failed delivery
 * with backoff until MAIL_RETRY_LIMIT, then moves the job to `mail-dead`, whose handler logs the loss.
 */
export interface Mailer {
  readonly mode: MailMode;
  /** Where outbox mode writes `.eml` files. */
  readonly outboxDir: string | undefined;
  /** Hooks the mailer to the app's job queue: registers the `mail` and `mail-dead` handlers (createApp). */
  attach(options: MailQueueOptions): void;
  /** How a kind's payload becomes a message; each kind's module defines its own while the app is built. */
  define<P extends object>(kind: MailKind, compose: MailComposer<P>): void;
  /** Enqueues a mail of `kind` in `db`'s transaction: it exists exactly when the caller's rows commit. */
  send<P extends object>(db: Database, kind: MailKind, payload: P): Promise<void>;
  /** After the commit: a worker of this process takes the new mail now instead of at its next poll. */
  wake(): void;
  /**
   * Resolves when no mail job is due or running: the due ones are run here and now (tests await it, then
   * read the outbox or the SMTP server, instead of sleeping). Jobs waiting for a later retry do not count.
   */
  idle(): Promise<void>;
  stats(): MailerStats;
  /** Closes the transport (mail not yet sent stays queued in the database for the next worker). */
  close(timeoutMs?: number): Promise<void>;
}

export interface MailQueueOptions {
  jobs: JobQueue;
  /** The vault's master keys (ENCRYPTION_KEYS): the first seals, any opens. */
  keys: readonly MasterKey[];
  retryLimit: number;
  retryDelayS: number;
  /** Where the mail counters go (/metrics). */
  registry?: Registry;
}

/** A mail job's data: only the kind and ids are readable; the payload is sealed. */
export interface MailJobData {
  kind: MailKind;
  /** The mail's own id: the sealed payload's associated data, so a payload copied elsewhere does not open. */
  mailId: string;
  /** The request that asked for it, for the log lines of its delivery. */
  requestId?: string;
  sealed: { keyId: string; nonce: string; ciphertext: string; tag: string };
}

/** A delivery that failed; `permanent` when retrying cannot help (the server refused the recipient for good). */
export class MailDeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly code?: string,
    readonly responseCode?: number,
  ) {
    super(message);
    this.name = 'MailDeliveryError';
  }
}

/**
 * SMTP's 5xx replies are permanent (unknown mailbox, rejected message), except an authentication failure
 * (535, `EAUTH`): that is the operator's configuration, and retrying succeeds once it is fixed. Everything
 * else (connection refused, timeouts, 4xx, a full disk in outbox mode) is worth retrying.
 */
function deliveryError(error: unknown): MailDeliveryError {
  const { code, responseCode } = error as { code?: string; responseCode?: number };
  const permanent =
    typeof responseCode === 'number' && responseCode >= 500 && responseCode < 600 && code !== 'EAUTH';
  return new MailDeliveryError((error as Error).message, permanent, code, responseCode);
}

/** Mail jobs one worker process runs at once. */
const MAIL_CONCURRENCY = 2;

const associatedData = (kind: MailKind, mailId: string) => `mail:${kind}:${mailId}`;

/** One way of getting a message out; returns what is worth a log line. */
interface Delivery {
  readonly mode: MailMode;
  send(kind: MailKind, mail: OutgoingMail): Promise<Record<string, unknown>>;
  close(): void;
}

export interface MailerOptions {
  mode: MailMode;
  from: string;
  smtpUrl?: string;
  outboxDir?: string;
  logger: Logger;
}

/** Slow or dead SMTP servers fail a job in seconds, not nodemailer's default minutes. */
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

function smtpDelivery(url: string, from: string): Delivery {
  const transporter = nodemailer.createTransport({ url, ...SMTP_TIMEOUTS });
  return {
    mode: 'smtp',
    async send(_kind, mail) {
      const info = await transporter.sendMail({
        from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        headers: { 'Auto-Submitted': 'auto-generated' },
      });
      return { messageId: info.messageId };
    },
    close: () => transporter.close(),
  };
}

function outboxDelivery(dir: string, from: string): Delivery {
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    mode: 'outbox',
    async send(kind, mail) {
      const info = await composer.sendMail({
        from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        headers: { 'Auto-Submitted': 'auto-generated' },
      });
      await fs.mkdir(dir, { recursive: true });
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const file = path.join(dir, `${stamp}-${kind}-${crypto.randomBytes(4).toString('hex')}.eml`);
      await fs.writeFile(file, info.message as Buffer, { mode: 0o600 });
      return { to: mail.to, file, link: mail.link };
    },
    close: () => undefined,
  };
}

class QueuedMailer implements Mailer {
  readonly mode: MailMode;
  readonly outboxDir: string | undefined;
  private readonly delivery: Delivery | undefined;
  private readonly logger: Logger;
  private queue: MailQueueOptions | undefined;
  private readonly composers = new Map<MailKind, MailComposer<object>>();
  private readonly counts: MailerStats = {
    queued: 0,
    sent: 0,
    skipped: 0,
    failed: 0,
    undelivered: 0,
    dropped: 0,
  };
  private counter: Counter<'kind' | 'outcome'> | undefined;

  constructor(options: MailerOptions) {
    this.mode = options.mode;
    this.logger = options.logger;
    this.outboxDir = options.mode === 'outbox' ? options.outboxDir : undefined;
    if (options.mode === 'smtp') {
      if (!options.smtpUrl) throw new Error('smtp mode needs an SMTP URL');
      this.delivery = smtpDelivery(options.smtpUrl, options.from);
    } else if (options.mode === 'outbox') {
      if (!options.outboxDir) throw new Error('outbox mode needs a directory');
      this.delivery = outboxDelivery(options.outboxDir, options.from);
    }
  }

  attach(options: MailQueueOptions): void {
    if (this.queue) throw new Error('the mailer is already attached to a job queue');
    this.queue = options;
    if (options.registry) {
      this.counter = new Counter({
        name: 'mail_jobs_total',
        help:
          'Mail jobs run by this process, by kind and outcome: sent, skipped (nothing left to send), failed ' +
          '(an attempt; retried), undelivered (given up), dropped (mail off)',
        labelNames: ['kind', 'outcome'] as const,
        registers: [options.registry],
      });
    }
    // Two deliveries at a time per worker process: a slow SMTP server does not hold every other mail.
    options.jobs.handle<MailJobData>('mail', (job) => this.run(job), { concurrency: MAIL_CONCURRENCY });
    options.jobs.handle<MailJobData>('mail-dead', async (job) => {
      this.withRequest(job.data, () => this.giveUp(job.data, 'every retry failed'));
    });
  }

  define<P extends object>(kind: MailKind, compose: MailComposer<P>): void {
    this.composers.set(kind, compose as MailComposer<object>);
  }

  private attached(): MailQueueOptions {
    if (!this.queue) throw new Error('the mailer is not attached to a job queue');
    return this.queue;
  }

  async send<P extends object>(db: Database, kind: MailKind, payload: P): Promise<void> {
    const { jobs, keys, retryLimit, retryDelayS } = this.attached();
    const mailId = crypto.randomUUID();
    const sealed = seal(JSON.stringify(payload), keys[0], associatedData(kind, mailId));
    const data: MailJobData = {
      kind,
      mailId,
      requestId: requestContext.getStore()?.requestId,
      sealed: {
        keyId: sealed.keyId,
        nonce: sealed.nonce.toString('base64'),
        ciphertext: sealed.ciphertext.toString('base64'),
        tag: sealed.tag.toString('base64'),
      },
    };
    await jobs.send('mail', data, { db, retryLimit, retryDelay: retryDelayS });
    this.counts.queued++;
  }

  wake(): void {
    this.queue?.jobs.wake('mail');
  }

  private count(kind: MailKind, outcome: Exclude<keyof MailerStats, 'queued'>): void {
    this.counts[outcome]++;
    this.counter?.inc({ kind, outcome });
  }

  /** Runs `fn` in the logging context of the request that queued the mail (its id on every line). */
  private withRequest<T>(data: MailJobData, fn: () => T): T {
    return data.requestId ? requestContext.run({ requestId: data.requestId }, fn) : requestContext.exit(fn);
  }

  /** Logs a mail that will never be delivered; an operator alerts on `mail_jobs_total{outcome="undelivered"}`. */
  private giveUp(data: MailJobData, reason: string, error?: MailDeliveryError): void {
    this.count(data.kind, 'undelivered');
    this.logger.error('mail not delivered: giving up', {
      kind: data.kind,
      mailId: data.mailId,
      reason,
      ...(error ? { error: error.message, code: error.code, responseCode: error.responseCode } : {}),
    });
  }

  /** The `mail` job: open, compose, deliver. Throws on a delivery failure worth retrying. */
  private run(job: JobRun<MailJobData>): Promise<void> {
    const data = job.data;
    return this.withRequest(data, async () => {
      const { keys } = this.attached();
      if (!this.delivery) {
        this.count(data.kind, 'dropped');
        this.logger.warn('mail not sent', { kind: data.kind, reason: 'mail is off (no SMTP_URL)' });
        return;
      }
      let payload: object;
      try {
        const sealed: Sealed = {
          keyId: data.sealed.keyId,
          nonce: Buffer.from(data.sealed.nonce, 'base64'),
          ciphertext: Buffer.from(data.sealed.ciphertext, 'base64'),
          tag: Buffer.from(data.sealed.tag, 'base64'),
        };
        payload = JSON.parse(open(sealed, keys, associatedData(data.kind, data.mailId))) as object;
      } catch (error) {
        // A key removed from ENCRYPTION_KEYS, or a tampered row: no retry can open it.
        return this.giveUp(data, `its payload does not open: ${(error as Error).message}`);
      }
      const compose = this.composers.get(data.kind);
      if (!compose) throw new Error(`no composer for ${data.kind} mail`);
      const mail = await compose(payload);
      if (!mail) {
        this.count(data.kind, 'skipped');
        return;
      }
      let details: Record<string, unknown>;
      try {
        details = await this.delivery.send(data.kind, mail);
      } catch (cause) {
        const error = deliveryError(cause);
        this.count(data.kind, 'failed');
        const final = error.permanent || job.lastAttempt;
        // The address stays out of the line: it is enough to know which kind failed and why.
        this.logger[final ? 'error' : 'warn']('mail delivery failed', {
          kind: data.kind,
          mailId: data.mailId,
          mode: this.mode,
          attempt: job.retryCount + 1,
          of: job.retryLimit + 1,
          willRetry: !final,
          error: error.message,
          code: error.code,
          responseCode: error.responseCode,
        });
        if (error.permanent) return this.giveUp(data, 'the server refused it for good', error);
        // pg-boss retries it with backoff, or moves it to mail-dead after the last attempt.
        throw error;
      }
      this.count(data.kind, 'sent');
      if (this.delivery.mode === 'outbox') {
        this.logger.info('mail written to the outbox; open its link to continue', {
          kind: data.kind,
          ...details,
        });
      } else {
        this.logger.info('mail sent', { kind: data.kind, mailId: data.mailId, ...details });
      }
    });
  }

  async idle(): Promise<void> {
    const { jobs } = this.attached();
    for (;;) {
      const ran = (await jobs.runDue('mail')) + (await jobs.runDue('mail-dead'));
      if ((await jobs.due('mail')) + (await jobs.due('mail-dead')) === 0) return;
      // Running in a worker of this or another process: look again shortly.
      if (ran === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  stats(): MailerStats {
    return { ...this.counts };
  }

  async close(): Promise<void> {
    this.delivery?.close();
  }
}

export function createMailer(options: MailerOptions): Mailer {
  return new QueuedMailer(options);
}

/** The mailer the configuration asks for: SMTP_URL → SMTP; else outbox outside production; else off. */
export function mailerFromConfig(config: Config, logger: Logger): Mailer {
  const mode: MailMode = config.mail.smtpUrl ? 'smtp' : config.isProduction ? 'off' : 'outbox';
  return createMailer({
    mode,
    from: config.mail.from,
    smtpUrl: config.mail.smtpUrl,
    outboxDir: path.join(config.dataDir, 'outbox'),
    logger,
  });
}

/** The start-up line that says where mail goes (and warns when it goes nowhere). */
export function logMailMode(mailer: Mailer, logger: Logger): void {
  if (mailer.mode === 'off') {
    logger.warn(
      'mail is off: SMTP_URL is not set, so password-reset and verification mail is not sent ' +
        '(the routes still answer 202)',
    );
  } else if (mailer.mode === 'outbox') {
    logger.info('mail goes to the outbox (no SMTP_URL): each message is an .eml file', {
      dir: mailer.outboxDir,
    });
  } else {
    logger.info('mail goes out through SMTP');
  }
}
