import os from 'node:os';
import winston from 'winston';
import { requestContext } from './request-context';

export type Logger = winston.Logger;

const REDACTED = '[redacted]';
/** Keys whose values never reach a log line, wherever they appear. */
const SECRET_KEY =
  /^(authorization|cookie|set-cookie|password|currentpassword|newpassword|refreshtoken|accesstoken|token|key|apikey|secret|x-api-key|stripe-signature)$/i;

function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = SECRET_KEY.test(k) ? REDACTED : redact(v, depth + 1);
  }
  return out;
}

const redactFormat = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (SECRET_KEY.test(key)) info[key] = REDACTED;
    else info[key] = redact(info[key]);
  }
  return info;
});

const contextFormat = winston.format((info) => {
  const ctx = requestContext.getStore();
  if (ctx) {
    info.requestId ??= ctx.requestId;
    if (ctx.userId) info.userId ??= ctx.userId;
  }
  return info;
});

const MESSAGE = Symbol.for('message');
/** winston's transport base class (winston-transport), which winston re-exports at run time as `Transport`. */
const TransportStream = (winston as unknown as { Transport: new () => winston.transport }).Transport;

/** Lines waiting for this turn of the event loop, in order, whichever stream they go to. */
const pendingLines: { stderr: boolean; text: string }[] = [];
let flushScheduled = false;

function flushLines(): void {
  flushScheduled = false;
  while (pendingLines.length > 0) {
    const stderr = pendingLines[0].stderr;
    let text = '';
    while (pendingLines.length > 0 && pendingLines[0].stderr === stderr) text += pendingLines.shift()!.text;
    (stderr ? process.stderr : process.stdout).write(text);
  }
}
// What is still waiting is written before the process ends (stdout and stderr writes are synchronous then).
process.on('exit', flushLines);

/**
 * winston's console transport, writing once per turn of the event loop instead of once per line: the server
 * logs a line per request, and each line's own write (a system call: stdout and stderr are synchronous for
 * files and pipes) was a measurable share of a request under load (docs/benchmarks.md). Lines keep their
 * order across stdout and stderr and go out before the loop next waits for I/O, and at exit.
 */
class BatchedConsoleTransport extends TransportStream {
  private readonly stderrLevels: Set<string>;

  constructor(options: { stderrLevels: string[] }) {
    super();
    this.stderrLevels = new Set(options.stderrLevels);
  }

  override log(info: Record<string | symbol, unknown>, callback: () => void): void {
    pendingLines.push({
      stderr: this.stderrLevels.has(info.level as string),
      text: `${info[MESSAGE] as string}${os.EOL}`,
    });
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flushLines);
    }
    callback();
  }
}

export function createLogger(options: {
  level: string;
  json: boolean;
  silent?: boolean;
  /** Where lines go; the console by default. Tests pass a memory transport to read them. */
  transports?: winston.transport[];
  /**
   * Console lines written once per turn of the event loop (the server). Only for a process where nothing but
   * the logger writes to stdout: anything written there directly would overtake the waiting lines.
   */
  batchWrites?: boolean;
}): Logger {
  const formats = [contextFormat(), redactFormat(), winston.format.timestamp()];
  const output = options.json
    ? winston.format.json()
    : winston.format.printf(({ timestamp, level, message, ...rest }) => {
        const extra = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : '';
        return `${timestamp} ${level} ${message}${extra}`;
      });
  return winston.createLogger({
    level: options.level,
    silent: options.silent,
    format: winston.format.combine(...formats, output),
    transports: options.transports ?? [
      options.batchWrites
        ? new BatchedConsoleTransport({ stderrLevels: ['error'] })
        : new winston.transports.Console({ stderrLevels: ['error'] }),
    ],
  });
}
