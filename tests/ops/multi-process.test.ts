import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { uniqueEmail } from '../helpers/factories';
import { makePng } from '../helpers/images';
import {
  createOpsDatabase,
  describeIf,
  killAll,
  postgresAddress,
  postgresReachable,
  redisServerInstalled,
  spawnServer,
  startRedisServer,
  waitFor,
  type OpsDatabase,
  type RedisServer,
  type SpawnedServer,
} from '../helpers/spawn-server';

/**
 * Two server processes (as PM2 cluster mode runs them) on one PostgreSQL database, one Redis and one DATA_DIR:
 * limits are shared, tokens from one are good on the other, files uploaded through one are served by the
 * other, and a worker killed outright leaves the other serving and nothing half-written.
 */

const AUTH_LIMIT = 4;

/** The path and query of an absolute file URL (PUBLIC_URL names another port than the one a test picks). */
const pathOf = (url: string) => {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
};
const newIp = () => `10.${crypto.randomInt(256)}.${crypto.randomInt(256)}.${crypto.randomInt(1, 255)}`;

async function post(server: SpawnedServer, path: string, body: unknown, ip: string, token?: string) {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'X-Forwarded-For': ip,
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, any> };
}

const register = (server: SpawnedServer, ip = newIp(), email = uniqueEmail('multi')) =>
  post(server, '/api/auth/register', { email, password: 'correct horse battery' }, ip);

describeIf(
  postgresReachable() && redisServerInstalled(),
  `needs PostgreSQL at ${postgresAddress.host}:${postgresAddress.port} and redis-server`,
)('two server processes', () => {
  let database: OpsDatabase;
  let redis: RedisServer;
  let a: SpawnedServer;
  let b: SpawnedServer;
  /** One DATA_DIR for both, as PM2's workers on one machine share it: the local file store lives there. */
  let dataDir: string;

  beforeAll(async () => {
    database = await createOpsDatabase();
    redis = await startRedisServer();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'colorbook-ops-shared-'));
    const env = {
      DATA_DIR: dataDir,
      STORAGE_DRIVER: 'local',
      DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: `cbtest_ops_${crypto.randomBytes(4).toString('hex')}:`,
      AUTH_RATE_LIMIT: String(AUTH_LIMIT),
      TRUST_PROXY: '1',
      REFRESH_REUSE_GRACE_S: '0',
    };
    // Started together: both migrate the empty database at once (the advisory lock serialises them).
    [a, b] = await Promise.all([spawnServer(env), spawnServer(env)]);
  });

  afterAll(async () => {
    await killAll();
    await database?.drop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('when both migrate one empty database at once, then each migration is applied exactly once', async () => {
    const { rows } = await database.query<{ version: number; n: number }>(
      'SELECT version, count(*)::int AS n FROM schema_migrations GROUP BY version',
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.n === 1)).toBe(true);
  });

  test('when one client sends to both, then a limit of L allows L requests across both processes', async () => {
    const ip = newIp();
    const answers: number[] = [];
    for (let i = 0; i < AUTH_LIMIT * 2; i++) answers.push((await register(i % 2 ? b : a, ip)).status);
    expect(answers.filter((s) => s === 201)).toHaveLength(AUTH_LIMIT);
    expect(answers.slice(AUTH_LIMIT)).toEqual(Array(AUTH_LIMIT).fill(429));
  });

  test('when a user signs in on one process, then its tokens are accepted by the other', async () => {
    const created = await register(a);
    expect(created.status).toBe(201);
    const { accessToken, refreshToken, user } = created.body;

    const me = await fetch(`${b.url}/api/auth/me`, { headers: { Authorization: `Bearer ${accessToken}` } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { id: string }).id).toBe(user.id);

    const refreshed = await post(b, '/api/auth/refresh', { refreshToken }, newIp());
    expect(refreshed.status).toBe(200);
    const again = await fetch(`${a.url}/api/auth/me`, {
      headers: { Authorization: `Bearer ${refreshed.body.accessToken}` },
    });
    expect(again.status).toBe(200);
    // The rotated token is spent for both (no reuse grace here): presenting it again is reuse.
    expect((await post(a, '/api/auth/refresh', { refreshToken }, newIp())).status).toBe(401);
  });

  test('when a member is removed through one process, then the other refuses their very next request', async () => {
    const owner = await register(a);
    const memberEmail = uniqueEmail('member');
    const member = await register(b, newIp(), memberEmail);
    const ownerAuth = { Authorization: `Bearer ${owner.body.accessToken}` };
    const memberAuth = { Authorization: `Bearer ${member.body.accessToken}` };
    const project = await post(
      a,
      '/api/projects',
      { title: 'Shared across processes' },
      newIp(),
      owner.body.accessToken,
    );
    const invited = await post(
      a,
      `/api/projects/${project.body.id}/invitations`,
      { email: memberEmail, role: 'editor' },
      newIp(),
      owner.body.accessToken,
    );
    expect(invited.status).toBe(201);
    // The link is mailed to the outbox both processes share (no SMTP_URL).
    const token = await waitFor('the invitation mail', () => {
      const outbox = path.join(dataDir, 'outbox');
      const files = fs.existsSync(outbox)
        ? fs.readdirSync(outbox).filter((n) => n.includes('project_invitation'))
        : [];
      for (const file of files) {
        const raw = fs
          .readFileSync(path.join(outbox, file), 'utf8')
          .replace(/=\r?\n/g, '')
          .replace(/=3D/g, '=');
        if (raw.includes(memberEmail)) return /accept-invitation\?token=([\w-]+)/.exec(raw)?.[1];
      }
      return undefined;
    });
    expect(
      (await post(b, '/api/invitations/accept', { token }, newIp(), member.body.accessToken)).status,
    ).toBe(200);

    // Both processes have answered the member (anything they might keep is warm).
    for (const server of [a, b]) {
      const res = await fetch(`${server.url}/api/projects/${project.body.id}`, { headers: memberAuth });
      expect(res.status).toBe(200);
    }
    const removed = await fetch(`${b.url}/api/projects/${project.body.id}/members/${member.body.user.id}`, {
      method: 'DELETE',
      headers: ownerAuth,
    });
    expect(removed.status).toBe(204);
    for (const server of [a, b]) {
      const res = await fetch(`${server.url}/api/projects/${project.body.id}`, { headers: memberAuth });
      expect(res.status).toBe(404);
      const story = await post(
        server,
        '/api/stories',
        { projectId: project.body.id, title: 'Too late' },
        newIp(),
        member.body.accessToken,
      );
      expect(story.status).toBe(404);
    }
  });

  test('when an image is uploaded through one process, then the other serves it: the row, and the bytes behind either signed URL', async () => {
    const created = await register(a);
    expect(created.status).toBe(201);
    const auth = { Authorization: `Bearer ${created.body.accessToken}` };
    const project = await post(
      a,
      '/api/projects',
      { title: 'Two workers' },
      newIp(),
      created.body.accessToken,
    );
    expect(project.status).toBe(201);
    const png = await makePng(300, 200, { noise: true });
    const form = new FormData();
    form.append('projectId', project.body.id);
    form.append('file', new Blob([png], { type: 'image/png' }), 'page.png');

    const uploaded = await fetch(`${a.url}/api/images`, { method: 'POST', headers: auth, body: form });
    expect(uploaded.status).toBe(201);
    const image = (await uploaded.json()) as { id: string; url: string; thumbnailUrl: string };

    // The URL signed by the first process, fetched from the second.
    const original = await fetch(`${b.url}${pathOf(image.url)}`);
    expect(original.status).toBe(200);
    expect(original.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await original.arrayBuffer()).equals(png)).toBe(true);

    // The second process answers the row with URLs of its own, and the first serves those.
    const fromB = await fetch(`${b.url}/api/images/${image.id}`, { headers: auth });
    expect(fromB.status).toBe(200);
    const seenByB = (await fromB.json()) as { sizeBytes: number; thumbnailUrl: string };
    expect(seenByB.sizeBytes).toBe(png.length);
    const thumbnail = await fetch(`${a.url}${pathOf(seenByB.thumbnailUrl)}`);
    expect(thumbnail.status).toBe(200);
    expect(thumbnail.headers.get('content-type')).toBe('image/webp');
    expect((await thumbnail.arrayBuffer()).byteLength).toBeGreaterThan(0);
  });

  test('when one worker is killed (SIGKILL) under load, then the other keeps serving and nothing is half-written', async () => {
    const emails: { email: string; status: number | 'no answer' }[] = [];
    let running = true;
    const loop = async () => {
      while (running) {
        const email = uniqueEmail('kill');
        const status = await register(a, newIp(), email).then(
          (res) => res.status,
          () => 'no answer' as const,
        );
        emails.push({ email, status });
        if (status === 'no answer') return;
      }
    };
    const loops = Array.from({ length: 6 }, loop);
    await waitFor(
      'registrations on the first worker',
      () => emails.filter((e) => e.status === 201).length >= 10,
      10_000,
    );
    a.child.kill('SIGKILL');
    running = false;
    await Promise.all(loops);
    expect((await a.exited).signal).toBe('SIGKILL');

    expect((await fetch(`${b.url}/ready`)).status).toBe(200);
    expect((await register(b)).status).toBe(201);

    // The killed worker's open transactions were rolled back by PostgreSQL when its connections died.
    await waitFor('no transaction of the dead worker left open', async () => {
      const { rows } = await database.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND state LIKE 'idle in transaction%'",
        [database.name],
      );
      return rows[0].n === 0;
    });
    // Every 2xx is stored; every stored user is whole: its session, refresh token and registration event.
    const created = emails.filter((e) => e.status === 201).map((e) => e.email);
    const { rows: stored } = await database.query<{ email: string }>(
      'SELECT email FROM users WHERE email = ANY($1::text[])',
      [created],
    );
    expect(stored).toHaveLength(created.length);
    const { rows: partial } = await database.query<{ email: string }>(
      `SELECT u.email FROM users u
        WHERE NOT EXISTS (SELECT 1 FROM sessions s JOIN refresh_tokens r ON r.session_id = s.id WHERE s.user_id = u.id)
           OR NOT EXISTS (SELECT 1 FROM analytics_events e WHERE e.user_id = u.id AND e.type = 'user.registered')`,
    );
    expect(partial).toEqual([]);
  });
});
