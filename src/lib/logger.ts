import os from 'node:os';
import winston from 'winston';
import { requestContext } from './request-context';

export type Logger = winston.Logger;

const REDACTED = '[redacted]';
/** Keys whose values never reach a log line, wherever they appear. */
const SECRET_KEY =
  /^(authorization|cookie|set-cookie|password|currentpassword|newpassword|refreshtoken|accesstoken|token|key|apikey|secret|x-api-key|stripe-signature)$/i;

const MAX_DEPTH = 6;

/**
 * A copy of a logged value that is safe to print: secrets by key name become `[redacted]`, errors their
 * name, message and stack, buffers their size, bigints strings; nesting deeper than MAX_DEPTH (and so any
 * cycle) is cut. JSON.stringify of the result cannot fail on cycles or bigints.
 */
function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  if (depth >= MAX_DEPTH) return '[nested too deep]';
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  if (Buffer.isBuffer(value)) return `[${value.length} bytes]`;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = SECRET_KEY.test(k) ? REDACTED : redact(v, depth + 1);
  }
  return out;
}

const MESSAGE = Symbol.for('message');

function stringify(entry: Record<string, unknown>): string {
  try {
    return JSON.stringify(entry);
  } catch (error) {
    // A toJSON that throws: keep the line, say why its fields are missing.
    const { timestamp, level, message } = entry;
    return JSON.stringify({ timestamp, level, message, logError: (error as Error).message });
  }
}

/**
 * The request context (id and user), redaction, the timestamp and the line itself, in one pass over the
 * entry: one format instead of four, because the server writes a line per request (docs/benchmarks.md).
 * JSON lines read `timestamp`, `level`, `message`, then the fields in the order they were given.
 */
const lineFormat = winston.format((info, options) => {
  const json = (options as { json?: boolean } | undefined)?.json === true;
  const ctx = requestContext.getStore();
  if (ctx) {
    info.requestId ??= ctx.requestId;
    if (ctx.userId) info.userId ??= ctx.userId;
  }
  const timestamp = new Date().toISOString();
  const fields: Record<string, unknown> = {};
  let count = 0;
  // for…in: the entry's own string keys (winston's own are symbols).
  for (const key in info) {
    if (key === 'level' || key === 'message' || key === 'timestamp') continue;
    const safe = SECRET_KEY.test(key) ? REDACTED : redact(info[key]);
    info[key] = safe;
    fields[key] = safe;
    count++;
  }
  info.timestamp = timestamp;
  const { level, message } = info;
  (info as Record<symbol, unknown>)[MESSAGE] = json
    ? stringify({ timestamp, level, message, ...fields })
    : `${timestamp} ${level} ${String(message)}${count > 0 ? ` ${stringify(fields)}` : ''}`;
  return info;
});

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

const LEVEL = Symbol.for('level');

type EntryWriter = (level: string, message: string, fields: Record<string, unknown>) => void;

/** Loggers made with the server's batched console transport, and how to write to them directly. */
const directWriters = new WeakMap<Logger, EntryWriter>();

/**
 * Logs one entry exactly as `logger.log(level, message, fields)` would, for the line written per request.
 * On a logger with the server's batched console transport it formats the entry and hands it to that
 * transport directly, skipping winston's stream pipeline (the logger is a Transform piped into each
 * transport: a measurable share of a small request, docs/benchmarks.md). Any other logger (the tests'
 * memory transports, a silenced one) takes the ordinary path.
 */
export function logEntry(
  logger: Logger,
  level: string,
  message: string,
  fields: Record<string, unknown>,
): void {
  const write = directWriters.get(logger);
  if (write) write(level, message, fields);
  else logger.log(level, message, fields);
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
  const format = lineFormat({ json: options.json });
  const batched =
    options.transports === undefined && options.batchWrites
      ? new BatchedConsoleTransport({ stderrLevels: ['error'] })
      : undefined;
  const logger = winston.createLogger({
    level: options.level,
    silent: options.silent,
    format,
    transports: options.transports ?? [
      batched ?? new winston.transports.Console({ stderrLevels: ['error'] }),
    ],
  });
  if (batched) {
    directWriters.set(logger, (level, message, fields) => {
      if (logger.silent || !logger.isLevelEnabled(level)) return;
      const info = { ...fields, level, message, [LEVEL]: level };
      batched.log(
        format.transform(info, format.options) as Record<string | symbol, unknown>,
        () => undefined,
      );
    });
  }
  return logger;
}
