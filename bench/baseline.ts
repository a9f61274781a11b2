import crypto from 'node:crypto';
import http from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import jwt from 'jsonwebtoken';
import pg from 'pg';
import type { Database, QueryResult } from '../src/db/database';
import { statement } from '../src/db/pg-database';
import * as analytics from '../src/modules/analytics/analytics.queries';
import * as q from '../src/modules/projects/projects.queries';

/**
 * The benchmark's baseline: bare Express 5 + jsonwebtoken + pg doing the same work as the real endpoints at
 * the SQL level — the very query functions of src/modules/projects/projects.queries.ts (the list with its
 * counts, the single get, and the create's insert + version snapshot + analytics event in one transaction)
 * behind the same JWT check (HS256, secret as a KeyObject, algorithm, issuer and audience pinned), the same
 * pool size and the same prepared statements. No validation library, no logging, no metrics, no rate limit,
 * no idempotency: the ratio of the real server to this is what our framework costs.
 *
 * Run by bench.ts as its own process: PORT, DATABASE_URL, JWT_SECRET, DB_POOL_MAX; BASELINE=minimal runs
 * the second baseline below (createMinimalApp) instead.
 */

// The same type parsing as src/db/pg-database.ts.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));

/** Statements prepared the way src/db/pg-database.ts prepares them: a pg feature, not framework cost. */
function run(target: pg.Pool | pg.PoolClient, sql: string, params?: readonly unknown[]) {
  const config = statement(sql, params);
  return typeof config === 'string' ? target.query(config) : target.query(config);
}

function poolDb(pool: pg.Pool): Database {
  const db: Database = {
    query: async <T>(sql: string, params?: readonly unknown[]) => asResult<T>(await run(pool, sql, params)),
    exec: async (script: string) => {
      await pool.query(script);
    },
    transaction: async (fn) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(clientDb(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
  };
  return db;
}

const asResult = <T>(r: pg.QueryResult): QueryResult<T> => ({
  rows: r.rows as T[],
  rowCount: r.rowCount ?? 0,
});

function clientDb(client: pg.PoolClient): Database {
  const db: Database = {
    query: async <T>(sql: string, params?: readonly unknown[]) => asResult<T>(await run(client, sql, params)),
    exec: async (script: string) => {
      await client.query(script);
    },
    transaction: (fn) => fn(db),
  };
  return db;
}

interface Authed extends Request {
  userId?: string;
}

export function createBaselineApp(
  db: Database,
  options: { jwtSecret: string; issuer?: string; audience?: string },
) {
  const key = crypto.createSecretKey(Buffer.from(options.jwtSecret, 'utf8'));
  const issuer = options.issuer ?? 'colorbook-engine';
  const audience = options.audience ?? 'colorbook-api';

  function auth(req: Authed, res: Response, next: NextFunction): void {
    const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    try {
      const payload = jwt.verify(match?.[1] ?? '', key, { algorithms: ['HS256'], issuer, audience });
      if (typeof payload === 'string' || payload.typ !== 'access' || typeof payload.sub !== 'string') {
        throw new Error('not an access token');
      }
      req.userId = payload.sub;
      next();
    } catch {
      res.status(401).json({ status: 401, code: 'UNAUTHENTICATED' });
    }
  }

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/api/projects', auth, async (req: Authed, res, next) => {
    try {
      const page = Number(req.query.page ?? 1);
      const limit = Number(req.query.limit ?? 20);
      const { rows, total } = await q.findProjects(db, req.userId!, {}, '-updatedAt', limit, {
        offset: (page - 1) * limit,
      });
      res.json({ data: rows, pagination: { page, limit, total, totalPages: Math.ceil(total / limit) } });
    } catch (error) {
      next(error);
    }
  });

  app.get('/api/projects/:id', auth, async (req: Authed, res, next) => {
    try {
      const project = await q.findProject(db, req.userId!, req.params.id as string);
      if (!project) {
        res.status(404).json({ status: 404, code: 'NOT_FOUND' });
        return;
      }
      res.setHeader('ETag', `"${project.version}"`);
      res.json(project);
    } catch (error) {
      next(error);
    }
  });

  app.post('/api/projects', auth, express.json(), async (req: Authed, res, next) => {
    try {
      const body = req.body as { title?: unknown; description?: string; tags?: string[] };
      if (typeof body?.title !== 'string') {
        res.status(400).json({ status: 400, code: 'VALIDATION_ERROR' });
        return;
      }
      const userId = req.userId!;
      const project = await db.transaction(async (tx) => {
        const row = await q.insertProject(tx, userId, {
          title: body.title as string,
          description: body.description ?? null,
          category: null,
          status: 'draft',
          tags: body.tags ?? [],
          settings: {},
        });
        await q.insertProjectVersion(tx, userId, row.id, q.PROJECT_FIELDS, userId);
        await analytics.insertEvents(tx, [
          { userId, type: 'project.created', projectId: row.id, properties: {}, source: 'server' },
        ]);
        return row;
      });
      res
        .status(201)
        .setHeader('Location', `/api/projects/${project.id}`)
        .setHeader('ETag', `"${project.version}"`);
      res.json(project);
    } catch (error) {
      next(error);
    }
  });

  app.use((error: Error, _req: Request, res: Response, _next: NextFunction) => {
    console.error(error);
    res.status(500).json({ status: 500, code: 'INTERNAL' });
  });
  return app;
}

/**
 * The second baseline (BASELINE=minimal): the endpoints a developer would write by hand, with the same JWT
 * check, pool and prepared statements, and nothing else — the list is the user's 20 newest projects
 * (id, title, updated_at; no counts, no total, no shared projects), the get the project's own columns by id
 * and owner, the create one INSERT (no version snapshot, no analytics event, no transaction). The ratio to
 * this is what our features cost on top of the framework (docs/benchmarks.md).
 */
export function createMinimalApp(
  pool: pg.Pool,
  options: { jwtSecret: string; issuer?: string; audience?: string },
) {
  const key = crypto.createSecretKey(Buffer.from(options.jwtSecret, 'utf8'));
  const issuer = options.issuer ?? 'colorbook-engine';
  const audience = options.audience ?? 'colorbook-api';
  const userOf = (req: Request): string | null => {
    const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    try {
      const payload = jwt.verify(match?.[1] ?? '', key, { algorithms: ['HS256'], issuer, audience });
      return typeof payload === 'string' || typeof payload.sub !== 'string' ? null : payload.sub;
    } catch {
      return null;
    }
  };
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/api/projects', async (req, res, next) => {
    const userId = userOf(req);
    if (!userId) {
      res.status(401).json({ status: 401 });
      return;
    }
    try {
      const { rows } = await run(
        pool,
        'SELECT id, title, updated_at FROM projects WHERE user_id = $1 ORDER BY updated_at DESC LIMIT 20',
        [userId],
      );
      res.json({ data: rows });
    } catch (error) {
      next(error);
    }
  });
  app.get('/api/projects/:id', async (req, res, next) => {
    const userId = userOf(req);
    if (!userId) {
      res.status(401).json({ status: 401 });
      return;
    }
    try {
      const { rows } = await run(
        pool,
        `SELECT id, title, description, category, status, tags, settings, version, created_at, updated_at
           FROM projects WHERE id = $1 AND user_id = $2`,
        [req.params.id, userId],
      );
      if (rows.length === 0) res.status(404).json({ status: 404 });
      else res.json(rows[0]);
    } catch (error) {
      next(error);
    }
  });
  app.post('/api/projects', express.json(), async (req, res, next) => {
    const userId = userOf(req);
    if (!userId) {
      res.status(401).json({ status: 401 });
      return;
    }
    try {
      const body = req.body as { title?: unknown; description?: string; tags?: string[] };
      const { rows } = await run(
        pool,
        `INSERT INTO projects (user_id, title, description, tags) VALUES ($1, $2, $3, $4)
         RETURNING id, title, description, category, status, tags, settings, version, created_at, updated_at`,
        [userId, String(body?.title ?? ''), body?.description ?? null, body?.tags ?? []],
      );
      res.status(201).json(rows[0]);
    } catch (error) {
      next(error);
    }
  });
  app.use((error: Error, _req: Request, res: Response, _next: NextFunction) => {
    console.error(error);
    res.status(500).json({ status: 500 });
  });
  return app;
}

if (require.main === module) {
  const pool = new pg.Pool({
    connectionString: process.env.DATABASE_URL,
    max: Number(process.env.DB_POOL_MAX ?? 10),
  });
  pool.on('error', () => undefined);
  const jwtOptions = {
    jwtSecret: process.env.JWT_SECRET ?? '',
    issuer: process.env.JWT_ISSUER,
    audience: process.env.JWT_AUDIENCE,
  };
  const app =
    process.env.BASELINE === 'minimal'
      ? createMinimalApp(pool, jwtOptions)
      : createBaselineApp(poolDb(pool), jwtOptions);
  const server = http.createServer(app);
  server.keepAliveTimeout = 65_000;
  server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1');
  const stop = () => {
    server.close(() => pool.end().then(() => process.exit(0)));
    server.closeAllConnections();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
