import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  /** SMTP envelope recipients. */
  to: string[];
  parsed: ParsedMail;
}

export interface TestSmtp {
  /** `{ SMTP_URL }` once beforeAll has run: pass it as useTestApp's env (read when the app is built). */
  env: Record<string, string>;
  inbox: ReceivedMail[];
  /** Mail received for an address, oldest first. */
  mailTo(address: string): ReceivedMail[];
  /** Stops listening (connections are refused: SMTP is down) until `start`. */
  stop(): Promise<void>;
  /** Listens again on the same port, so SMTP_URL still points at it. */
  start(): Promise<void>;
}

const USER = 'colorbook';
const PASS = 'smtp-test-password';

/**
 * A real SMTP server on 127.0.0.1 (port 0) for one test file: started in beforeAll, closed in afterAll.
 * It requires the AUTH credentials in SMTP_URL, as a provider would, and refuses recipients matching
 * `refuse` (a delivery failure). Call it before useTestApp so its beforeAll runs first.
 */
export function useTestSmtp(options: { refuse?: RegExp } = {}): TestSmtp {
  let server: SMTPServer | undefined;
  let port = 0;

  const listen = async () => {
    server = new SMTPServer({
      // Plain SMTP on loopback: no STARTTLS offer (its self-signed certificate would be refused).
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      logger: false,
      onAuth(auth, _session, callback) {
        if (auth.username === USER && auth.password === PASS) return callback(null, { user: USER });
        callback(new Error('Invalid username or password'));
      },
      onRcptTo(address, _session, callback) {
        if (options.refuse?.test(address.address)) {
          return callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
        }
        callback();
      },
      onData(stream, session, callback) {
        // Acknowledge only once parsed: when the sender's delivery resolves, the mail is in the inbox.
        simpleParser(stream).then(
          (parsed) => {
            const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
            handle.inbox.push({ to, parsed });
            callback();
          },
          (error: Error) => callback(error),
        );
      },
    });
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    port = (server.server.address() as AddressInfo).port;
  };
  const close = async () => {
    const closing = server;
    server = undefined;
    await new Promise<void>((resolve) => (closing ? closing.close(() => resolve()) : resolve()));
  };

  const handle: TestSmtp = {
    env: {},
    inbox: [],
    mailTo: (address) => handle.inbox.filter((m) => m.to.includes(address.toLowerCase())),
    stop: close,
    start: listen,
  };

  beforeAll(async () => {
    await listen();
    handle.env.SMTP_URL = `smtp://${USER}:${PASS}@127.0.0.1:${port}`;
  });

  afterAll(close);

  return handle;
}

/** The `token` of the first link to `APP_URL/<page>` in a mail's text part. */
export function tokenFrom(mail: ReceivedMail | ParsedMail, page: string): string {
  const parsed = 'parsed' in mail ? mail.parsed : mail;
  const match = new RegExp(`(https?://\\S+/${page}\\?token=([A-Za-z0-9_-]+))`).exec(parsed.text ?? '');
  if (!match) throw new Error(`no ${page} link in: ${parsed.text}`);
  return match[2];
}
