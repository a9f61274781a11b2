/**
 * The environment of a server the single-process benches (upload-memory, export-memory, export-health) start
 * in their own process: the embedded database in a fresh data directory (no DATABASE_URL, so they need nothing
 * running), no line per request, rate limits out of the way, and room for gigabytes of images on the free
 * plan. Kept apart from common.ts, which loads autocannon, bcrypt and pg into the process whose memory these
 * benches measure.
 */
export function embeddedBenchEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'development',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: '0',
    API_RATE_LIMIT: '1000000',
    AUTH_RATE_LIMIT: '1000000',
    PLAN_FREE_STORAGE_BYTES: String(100 * 1024 ** 3),
    DATABASE_URL: '',
    ...extra,
  };
}
