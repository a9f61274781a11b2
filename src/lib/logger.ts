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

export function createLogger(options: {
  level: string;
  json: boolean;
  silent?: boolean;
  /** Where lines go; the console by default. Tests pass a memory transport to read them. */
  transports?: winston.transport[];
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
    transports: options.transports ?? [new winston.transports.Console({ stderrLevels: ['error'] })],
  });
}
