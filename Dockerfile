# syntax=docker/dockerfile:1
# ColorBook Engine. Build: docker build -t colorbook-engine .
# Run:   docker run -p 3000:3000 -e DATABASE_URL=… -e JWT_SECRET=… -e ENCRYPTION_KEYS=… colorbook-engine
# Everything it needs is in docs/operations.md; docker-compose.yml adds PostgreSQL, Redis and MinIO.
#
# Node.js 24, the newest LTS line (Node 20 reached its end of life in April 2026); .nvmrc names the same. The
# tag follows the line's patch releases: rebuild to take them. Every stage uses this one image.
ARG NODE_IMAGE=node:24-bookworm-slim
#
# The repository is an npm workspace (the typed client in client/, which the server never loads and the
# build context leaves out): `npm ci --workspaces=false` installs the root package alone, from the same lockfile.

# 1. Compile TypeScript with every dependency installed.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --workspaces=false --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts ./scripts
RUN npm run build

# 2. Production dependencies only, from the same lockfile.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --workspaces=false --no-audit --no-fund && npm cache clean --force

# 3. The image: compiled code, production dependencies, migrations. Files belong to root; the server runs
#    as the unprivileged `node` user and writes only under DATA_DIR.
FROM ${NODE_IMAGE}
# MALLOC_ARENA_MAX: sharp's image conversions (export of WebP pages) otherwise leave glibc's per-thread
# arenas holding ~400 MB; two arenas keep the process near 130 MB (docs/export.md).
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data \
    MALLOC_ARENA_MAX=2
WORKDIR /app
COPY package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Read at run time: migrations (applied at start) and the non-code files under src/ (the docs page).
COPY database ./database
COPY src ./src
# The operator commands (`docker compose exec api npm run migrate`, `admin:promote`, `keys:rotate`,
# `storage:gc`) run dist/scripts/*.js; their pre-step checks dist/ and, with no build tools here, never builds.
COPY scripts/ensure-built.mjs ./scripts/
RUN mkdir -p /data && chown node:node /data
USER node
# Local files, mail outbox, and the embedded database when DATABASE_URL is not set (one container only).
VOLUME ["/data"]
EXPOSE 3000
# Liveness only (no database check): /ready is for load balancers. slim has no curl; node has fetch.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM drains in-flight requests for up to SHUTDOWN_TIMEOUT_MS (25 s): stop with a longer grace period
# (docker stop -t 30; compose: stop_grace_period: 30s).
# Node flags: scripts/server-node-flags.cjs (the same in package.json start and ecosystem.config.cjs).
CMD ["node", "--max-semi-space-size=32", "dist/src/server.js"]
