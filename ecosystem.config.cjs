// PM2: `npm ci && npm run build`, then `pm2 start ecosystem.config.cjs --env production`.
// PM2 is installed by the operator (`npm install -g pm2`); it is not a dependency of this project.
// Cluster mode needs DATABASE_URL (PostgreSQL): the embedded database serves one process only, so without
// DATABASE_URL (environment or .env) this file starts ONE process in fork mode, whatever WEB_CONCURRENCY says,
// instead of workers that fail to open the database and restart for ever. With DATABASE_URL set REDIS_URL
// too, or each worker counts rate limits on its own. See docs/operations.md.
// Jobs (docs/jobs.md): with DATABASE_URL the API processes run with WORKER=off and a second app,
// colorbook-worker, works the job queue (WORKER=only; WORKER_INSTANCES processes, default 1), so renders never
// share a process with requests. On the embedded database the one process does both (WORKER=on).

const fs = require('node:fs');
const path = require('node:path');

/** A variable from the project's .env (which the server itself reads), for settings PM2 needs first. */
function fromDotEnv(name) {
  try {
    return require('dotenv').parse(fs.readFileSync(path.join(__dirname, '.env')))[name];
  } catch {
    return undefined;
  }
}

/** A setting as the server sees it: the environment wins over .env; empty means unset (as in .env.example). */
function setting(name) {
  return process.env[name] ?? fromDotEnv(name) ?? '';
}

/** Workers: WEB_CONCURRENCY (a number) or one per CPU core. */
function instances() {
  const value = Number.parseInt(setting('WEB_CONCURRENCY'), 10);
  return Number.isInteger(value) && value > 0 ? value : 'max';
}

/** Job worker processes beside the API (WORKER_INSTANCES, default 1). */
function workerInstances() {
  const value = Number.parseInt(setting('WORKER_INSTANCES'), 10);
  return Number.isInteger(value) && value > 0 ? value : 1;
}

/** PostgreSQL: a cluster of workers. The embedded database (no DATABASE_URL): one process. */
const clustered = setting('DATABASE_URL') !== '';
if (!clustered && instances() !== 1 && setting('WEB_CONCURRENCY') !== '') {
  process.stderr.write(
    'ecosystem.config.cjs: WEB_CONCURRENCY ignored; without DATABASE_URL one process serves the embedded database.\n',
  );
}

const common = {
  script: 'dist/src/server.js',
  // V8 heap flags, the same for every launcher (see that file).
  node_args: require('./scripts/server-node-flags.cjs'),
  // The server reads .env and finds database/migrations from here.
  cwd: __dirname,
  // The server sends 'ready' once the database answered, migrations are current and the port is open;
  // `pm2 reload` only stops an old worker after its replacement is ready.
  wait_ready: true,
  // Longer than the start's own wait for a database that is still coming up (60 s of retries).
  listen_timeout: 70_000,
  // SIGTERM (SIGINT too) drains in-flight requests (and running jobs) for up to SHUTDOWN_TIMEOUT_MS (25 s);
  // only then SIGKILL.
  kill_timeout: 30_000,
  // On Windows PM2 asks with a 'shutdown' message instead of a signal; the server handles both.
  shutdown_with_message: process.platform === 'win32',
  // Log lines are JSON with their own timestamp in production; PM2 adds none.
  time: false,
  merge_logs: true,
  // A worker that keeps crashing at start is not restarted in a tight loop.
  exp_backoff_restart_delay: 200,
};

/** MALLOC_ARENA_MAX=2: sharp's conversions otherwise leave glibc's per-thread arenas holding hundreds of MB. */
const env = (extra) => ({
  env: { NODE_ENV: 'development', MALLOC_ARENA_MAX: '2', ...extra },
  env_production: { NODE_ENV: 'production', MALLOC_ARENA_MAX: '2', ...extra },
});

module.exports = {
  apps: [
    {
      name: 'colorbook-engine',
      ...common,
      exec_mode: clustered ? 'cluster' : 'fork',
      instances: clustered ? instances() : 1,
      ...env(clustered ? { WORKER: 'off' } : {}),
    },
    ...(clustered
      ? [
          {
            name: 'colorbook-worker',
            ...common,
            exec_mode: 'fork',
            instances: workerInstances(),
            // Its /health (and /ready) for checks; each further instance takes the next port.
            increment_var: 'WORKER_HEALTH_PORT',
            ...env({ WORKER: 'only', WORKER_HEALTH_PORT: setting('WORKER_HEALTH_PORT') || '3001' }),
          },
        ]
      : []),
  ],
};
