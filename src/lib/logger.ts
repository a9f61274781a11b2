import os from 'node:os';
import winston from 'winston';
import { requestContext } from './async-context';

export type Logger = winston.Logger;

const REDACTED = '[redacted]';
/** Keys whose values never reach a log line, wherever they appear. */
const SECRET_KEY =
  /^(authorization|cookie|set-cookie|password|currentpassword|newpassword|refreshtoken|accesstoken|token|key|apikey|secret|x-api-key|stripe-signature)$/i;

const MAX_DEPTH = 6;

/** SECRET_KEY's answers per key name: the same few names recur on every line. Bounded, for odd data. */
const secretKeyAnswers = new Map<string, boolean>();

function isSecretKey(key: string): boolean {
  let secret = secretKeyAnswers.get(key);
  if (secret === undefined) {
    secret = SECRET_KEY.test(key);
    if (secretKeyAnswers.size < 1000) secretKeyAnswers.set(key, secret);
  }
  return secret;
}

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
    out[k] = isSecretKey(k) ? REDACTED : redact(v, depth + 1);
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
 * One line: `timestamp`, `level`, `message`, then each field redacted, in the order given (undefined ones
 * left out, as JSON leaves them out). `into` receives the redacted fields too (winston's entry object).
 */
function renderLine(
  json: boolean,
  level: string,
  message: unknown,
  fields: Record<string, unknown>,
  into?: Record<string, unknown>,
): string {
  const timestamp = new Date().toISOString();
  // JSON: the whole entry. Text: only the fields, printed after the timestamp, level and message.
  const out: Record<string, unknown> = json ? { timestamp, level, message } : {};
  let count = 0;
  for (const key of Object.keys(fields)) {
    if (key === 'level' || key === 'message' || key === 'timestamp') continue;
    const value = fields[key];
    if (value === undefined) continue;
    const safe = isSecretKey(key) ? REDACTED : redact(value);
    if (into) into[key] = safe;
    out[key] = safe;
    count++;
  }
  if (into) into.timestamp = timestamp;
  if (json) return stringify(out);
  return `${timestamp} ${level} ${String(message)}${count > 0 ? ` ${stringify(out)}` : ''}`;
}

/** The request's id and user, for a line written while a request runs that does not name them itself. */
function addRequestContext(fields: Record<string, unknown>): void {
  const ctx = requestContext.getStore();
  if (ctx) {
    fields.requestId ??= ctx.requestId;
    if (ctx.userId) fields.userId ??= ctx.userId;
  }
}

/**
 * The request context, redaction, the timestamp and the line itself in one pass over the entry: one format
 * instead of four, because the server writes a line per request (docs/benchmarks.md).
 */
const lineFormat = winston.format((info, options) => {
  const json = (options as { json?: boolean } | undefined)?.json === true;
  addRequestContext(info);
  (info as Record<symbol, unknown>)[MESSAGE] = renderLine(json, info.level, info.message, info, info);
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
    this.writeLine(info.level as string, info[MESSAGE] as string);
    callback();
  }

  writeLine(level: string, line: string): void {
    pendingLines.push({ stderr: this.stderrLevels.has(level), text: `${line}${os.EOL}` });
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flushLines);
    }
  }
}

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
  const json = options.json;
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
      let entry = fields;
      if (fields.requestId === undefined && requestContext.getStore()) {
        entry = { ...fields };
        addRequestContext(entry);
      }
      batched.writeLine(level, renderLine(json, level, message, entry));
    });
  }
  return logger;
}
