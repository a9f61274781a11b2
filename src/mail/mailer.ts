import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Config } from '../config';
import type { Logger } from '../lib/logger';
import { requestContext, type RequestContext } from '../lib/async-context';

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
 * Work that may produce a message: it runs after the response, so what it finds (an account or not) and
 * how long it takes never shows in the answer. Null means "nothing to send".
 */
export type MailJob = () => Promise<OutgoingMail | null>;

export interface MailerStats {
  /** Jobs accepted by `enqueue`. */
  queued: number;
  sent: number;
  /** Jobs that found nothing to send (unknown address, already verified). */
  skipped: number;
  /** Jobs or deliveries that failed (logged). */
  failed: number;
  /** Jobs refused: mail off, queue full or mailer closed (logged). */
  dropped: number;
}

/**
 * The in-process mail queue. `enqueue` returns at once and never throws; jobs run after the current
 * request in the request's logging context, a few at a time; failures are logged, never thrown.
 */
export interface Mailer {
  readonly mode: MailMode;
  /** Where outbox mode writes `.eml` files. */
  readonly outboxDir: string | undefined;
  enqueue(kind: MailKind, job: MailJob): void;
  /** Resolves when every queued job has finished (tests await it instead of sleeping). */
  idle(): Promise<void>;
  stats(): MailerStats;
  /** Stops taking jobs, waits up to `timeoutMs` for the queue to drain, then closes the transport. */
  close(timeoutMs?: number): Promise<void>;
}

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
  /** Jobs running at once (default 4). */
  concurrency?: number;
  /** Jobs waiting at most; more are dropped and logged (default 1000). */
  maxQueued?: number;
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
  private readonly concurrency: number;
  private readonly maxQueued: number;
  private readonly queue: { kind: MailKind; job: MailJob; context: RequestContext | undefined }[] = [];
  private active = 0;
  private closed = false;
  private waiters: (() => void)[] = [];
  private readonly counts: MailerStats = { queued: 0, sent: 0, skipped: 0, failed: 0, dropped: 0 };

  constructor(options: MailerOptions) {
    this.mode = options.mode;
    this.logger = options.logger;
    this.concurrency = options.concurrency ?? 4;
    this.maxQueued = options.maxQueued ?? 1000;
    this.outboxDir = options.mode === 'outbox' ? options.outboxDir : undefined;
    if (options.mode === 'smtp') {
      if (!options.smtpUrl) throw new Error('smtp mode needs an SMTP URL');
      this.delivery = smtpDelivery(options.smtpUrl, options.from);
    } else if (options.mode === 'outbox') {
      if (!options.outboxDir) throw new Error('outbox mode needs a directory');
      this.delivery = outboxDelivery(options.outboxDir, options.from);
    }
  }

  enqueue(kind: MailKind, job: MailJob): void {
    const refuse = (reason: string) => {
      this.counts.dropped++;
      this.logger.warn('mail not sent', { kind, reason });
    };
    if (!this.delivery) return refuse('mail is off (no SMTP_URL)');
    if (this.closed) return refuse('the mailer is shutting down');
    if (this.queue.length >= this.maxQueued) return refuse('the mail queue is full');
    this.counts.queued++;
    this.queue.push({ kind, job, context: requestContext.getStore() });
    // On the next turn of the event loop: the response goes out before any of the job's work starts.
    setImmediate(() => this.pump());
  }

  private pump(): void {
    while (this.active < this.concurrency && this.queue.length > 0) {
      const item = this.queue.shift()!;
      this.active++;
      const run = () => this.run(item.kind, item.job);
      const running = item.context ? requestContext.run(item.context, run) : requestContext.exit(run);
      void running.finally(() => {
        this.active--;
        this.pump();
        if (this.active === 0 && this.queue.length === 0) {
          const waiters = this.waiters;
          this.waiters = [];
          waiters.forEach((resolve) => resolve());
        }
      });
    }
  }

  private async run(kind: MailKind, job: MailJob): Promise<void> {
    let mail: OutgoingMail | null;
    try {
      mail = await job();
    } catch (error) {
      this.counts.failed++;
      this.logger.error('mail job failed', { kind, error: (error as Error).message });
      return;
    }
    if (!mail) {
      this.counts.skipped++;
      return;
    }
    try {
      const details = await this.delivery!.send(kind, mail);
      this.counts.sent++;
      if (this.delivery!.mode === 'outbox') {
        this.logger.info('mail written to the outbox; open its link to continue', { kind, ...details });
      } else {
        this.logger.info('mail sent', { kind, ...details });
      }
    } catch (error) {
      this.counts.failed++;
      // The address stays out of the line: it is enough to know which kind failed and why.
      this.logger.error('mail delivery failed', {
        kind,
        mode: this.mode,
        error: (error as Error).message,
        code: (error as { code?: string }).code,
      });
    }
  }

  idle(): Promise<void> {
    if (this.active === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  stats(): MailerStats {
    return { ...this.counts };
  }

  async close(timeoutMs = 10_000): Promise<void> {
    this.closed = true;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs).unref();
    });
    const outcome = await Promise.race([this.idle(), timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      this.logger.warn('mail queue not drained at shutdown', {
        waiting: this.queue.length,
        running: this.active,
      });
    }
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
