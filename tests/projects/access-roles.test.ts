import crypto from 'node:crypto';
import type { Test } from 'supertest';
import type { RouteDef } from '../../src/http/route';
import { useTestApp } from '../helpers/app';
import {
  addMember,
  createDrawing,
  createImage,
  createProject,
  createStory,
  createUser,
  type TestUser,
} from '../helpers/factories';
import { makePng } from '../helpers/images';

/**
 * The access contract of shared projects (docs/collaboration.md), asked of EVERY route of the route table
 * that touches a project or its children: as the owner, an editor, a viewer and a stranger. The routes
 * are read from the app itself, and a project-ish route without an expectation below fails the first
 * test: a route added later cannot forget its access check unnoticed.
 */
// Collaborators per project: the world below shares each project with three members and invites more.
const t = useTestApp({ validateResponses: true, env: { PLAN_FREE_COLLABORATORS: '10' } });

type Role = 'owner' | 'editor' | 'viewer' | 'stranger';

/** What a route needs: `read` any member, `write` owner or editor, `manage` the owner only. */
type Need = 'read' | 'write' | 'manage';

/** One project with one of each child, shared with an editor and a viewer. */
interface World {
  projectId: string;
  storyId: string;
  imageId: string;
  drawingId: string;
  /** The signed URL of the image's original, as the API answered it. */
  imageUrl: string;
  /** A pending invitation of the project. */
  invitationId: string;
  /** A third member (viewer), the one the member routes change or remove. */
  otherId: string;
}

interface Expectation {
  need: Need;
  /** The request, well formed: only the caller's role decides the answer. */
  send(w: World, auth: { Authorization: string }): Test;
  /** The status a permitted caller gets. */
  ok: number;
}

/** Paths of the routes that touch a project or what is in it. */
const PROJECTISH = /^\/api\/(projects|stories|images|drawings|files)(\/|$)/;

/** Routes that name no project: they are listed (so the walk knows them) and tested on their own below. */
const NO_PROJECT = new Set(['GET /api/projects', 'POST /api/projects']);

const http = () => t.http();

const EXPECTATIONS: Record<string, Expectation> = {
  'GET /api/projects/:id': {
    need: 'read',
    ok: 200,
    send: (w, a) => http().get(`/api/projects/${w.projectId}?include=stories,images,drawings`).set(a),
  },
  'PUT /api/projects/:id': {
    need: 'write',
    ok: 200,
    send: (w, a) => http().put(`/api/projects/${w.projectId}`).set(a).send({ title: 'Changed' }),
  },
  'DELETE /api/projects/:id': {
    need: 'manage',
    ok: 204,
    send: (w, a) => http().delete(`/api/projects/${w.projectId}`).set(a),
  },
  'POST /api/projects/:id/duplicate': {
    need: 'read',
    ok: 201,
    send: (w, a) => http().post(`/api/projects/${w.projectId}/duplicate`).set(a).send({}),
  },
  'GET /api/projects/:id/versions': {
    need: 'read',
    ok: 200,
    send: (w, a) => http().get(`/api/projects/${w.projectId}/versions`).set(a),
  },
  'GET /api/projects/:id/versions/:version': {
    need: 'read',
    ok: 200,
    send: (w, a) => http().get(`/api/projects/${w.projectId}/versions/1`).set(a),
  },
  'POST /api/projects/:id/versions/:version/restore': {
    need: 'write',
    ok: 200,
    send: (w, a) => http().post(`/api/projects/${w.projectId}/versions/1/restore`).set(a),
  },
  'POST /api/projects/:id/export': {
    need: 'read',
    ok: 200,
    send: (w, a) => http().post(`/api/projects/${w.projectId}/export`).set(a).send({ format: 'pdf' }),
  },
  'POST /api/projects/:id/exports': {
    need: 'read',
    ok: 202,
    send: (w, a) => http().post(`/api/projects/${w.projectId}/exports`).set(a).send({ format: 'pdf' }),
  },
  'GET /api/projects/:id/export/preflight': {
    need: 'read',
    ok: 200,
    send: (w, a) => http().get(`/api/projects/${w.projectId}/export/preflight`).set(a),
  },
  'GET /api/stories': {
    need: 'read',
    ok: 200,
    send: (w, a) => http().get(`/api/stories?projectId=${w.projectId}`).set(a),
  },
  'POST /api/stories': {
    need: 'write',
    ok: 201,
    send: (w, a) => http().post('/api/stories').set(a).send({ projectId: w.projectId, title: 'New' }),
  },
  'GET /api/stories/:id': {
    need: 'read',
    ok: 200,
    send: (w, a) => http().get(`/api/stories/${w.storyId}`).set(a),
  },
  'PUT /api/stories/:id': {
    need: 'write',
    ok: 200,
    send: (w, a) => http().put(`/api/stories/${w.storyId}`).set(a).send({ content: 'Once upon a time' }),
  },
  'DELETE /api/stories/:id': {
    need: 'write',
    ok: 204,
    send: (w, a) => http().delete(`/api/stories/${w.storyId}`).set(a),
  },
  'GET /api/images': {
    need: 'read',
    ok: 200,
    send: (w, a) => http().get(`/api/images?projectId=${w.projectId}`).set(a),
  },
  'POST /api/images': {
    need: 'write',
    ok: 201,
    send: (w, a) =>
      http().post('/api/images').set(a).field('projectId', w.projectId).attach('file', PNG, 'page.png'),
  },
  'GET /api/images/:id': {
    need: 'read',
    ok: 200,
    send: (w, a) => http().get(`/api/images/${w.imageId}`).set(a),
  },
  'PUT /api/images/:id': {
    need: 'write',
    ok: 200,
    send: (w, a) => http().put(`/api/images/${w.imageId}`).set(a).send({ title: 'Renamed' }),
  },
  'DELETE /api/images/:id': {
    need: 'write',
    ok: 204,
    send: (w, a) => http().delete(`/api/images/${w.imageId}`).set(a),
  },
  'GET /api/drawings': {
    need: 'read',
    ok: 200,
    send: (w, a) => http().get(`/api/drawings?projectId=${w.projectId}`).set(a),
  },
  'POST /api/drawings': {
    need: 'write',
    ok: 201,
    send: (w, a) =>
      http()
        .post('/api/drawings')
        .set(a)
        .send({ projectId: w.projectId, data: { strokes: [] }, width: 10, height: 10 }),
  },
  'GET /api/drawings/:id': {
    need: 'read',
    ok: 200,
    send: (w, a) => http().get(`/api/drawings/${w.drawingId}`).set(a),
  },
  'PUT /api/drawings/:id': {
    need: 'write',
    ok: 200,
    send: (w, a) => http().put(`/api/drawings/${w.drawingId}`).set(a).send({ title: 'Renamed' }),
  },
  'DELETE /api/drawings/:id': {
    need: 'write',
    ok: 204,
    send: (w, a) => http().delete(`/api/drawings/${w.drawingId}`).set(a),
  },
  'GET /api/projects/:id/members': {
    need: 'read',
    ok: 200,
    send: (w, a) => http().get(`/api/projects/${w.projectId}/members`).set(a),
  },
  'POST /api/projects/:id/invitations': {
    need: 'manage',
    ok: 201,
    send: (w, a) =>
      http()
        .post(`/api/projects/${w.projectId}/invitations`)
        .set(a)
        .send({ email: `invited-${crypto.randomUUID()}@example.com`, role: 'viewer' }),
  },
  'GET /api/projects/:id/invitations': {
    need: 'manage',
    ok: 200,
    send: (w, a) => http().get(`/api/projects/${w.projectId}/invitations`).set(a),
  },
  'DELETE /api/projects/:id/invitations/:invitationId': {
    need: 'manage',
    ok: 204,
    send: (w, a) => http().delete(`/api/projects/${w.projectId}/invitations/${w.invitationId}`).set(a),
  },
  'PATCH /api/projects/:id/members/:userId': {
    need: 'manage',
    ok: 200,
    send: (w, a) =>
      http().patch(`/api/projects/${w.projectId}/members/${w.otherId}`).set(a).send({ role: 'editor' }),
  },
  // Removing ANOTHER member; leaving (a member removing themself) is in tests/sharing/members.test.ts.
  'DELETE /api/projects/:id/members/:userId': {
    need: 'manage',
    ok: 204,
    send: (w, a) => http().delete(`/api/projects/${w.projectId}/members/${w.otherId}`).set(a),
  },
  'POST /api/projects/:id/transfer': {
    need: 'manage',
    ok: 200,
    send: (w, a) => http().post(`/api/projects/${w.projectId}/transfer`).set(a).send({ userId: w.otherId }),
  },
};

/** Files are served by signature, not by session: tested on their own below. */
const FILES = 'GET /api/files/*key';

let PNG: Buffer;
const users = {} as Record<Role, TestUser>;
let other: TestUser;

beforeAll(async () => {
  PNG = await makePng(600, 800);
  for (const role of ['owner', 'editor', 'viewer', 'stranger'] as Role[]) users[role] = await createUser(t);
  other = await createUser(t);
});

async function makeWorld(): Promise<World> {
  const owner = users.owner;
  const project = await createProject(t, owner);
  await addMember(t, project, users.editor, 'editor');
  await addMember(t, project, users.viewer, 'viewer');
  await addMember(t, project, other, 'viewer');
  const invitation = await t.db.query<{ id: string }>(
    `INSERT INTO project_invitations (project_id, email, role, token_hash, invited_by, expires_at)
     VALUES ($1, $2, 'editor', $3, $4, now() + interval '7 days') RETURNING id`,
    [
      project.id,
      `pending-${crypto.randomUUID()}@example.com`,
      crypto.createHash('sha256').update(crypto.randomUUID()).digest('hex'),
      owner.id,
    ],
  );
  const story = await createStory(t, owner, project.id, { content: 'text' });
  const image = await createImage(t, owner, project.id, {}, { bytes: PNG });
  const drawing = await createDrawing(t, owner, project.id, { imageId: image.id });
  return {
    projectId: project.id,
    storyId: story.id,
    imageId: image.id,
    drawingId: drawing.id,
    imageUrl: image.url,
    invitationId: invitation.rows[0].id,
    otherId: other.id,
  };
}

/** Everything a write could have changed in the world, and every project any of the four users owns. */
async function snapshot(w: World) {
  const { rows } = await t.db.query(
    `SELECT
       (SELECT row_to_json(p) FROM projects p WHERE p.id = $1) AS project,
       (SELECT json_agg(json_build_object('id', s.id, 'v', s.version) ORDER BY s.id)
          FROM stories s WHERE s.project_id = $1) AS stories,
       (SELECT json_agg(json_build_object('id', i.id, 'u', i.updated_at) ORDER BY i.id)
          FROM images i WHERE i.project_id = $1) AS images,
       (SELECT json_agg(json_build_object('id', d.id, 'v', d.version) ORDER BY d.id)
          FROM drawings d WHERE d.project_id = $1) AS drawings,
       (SELECT count(*)::int FROM project_versions v WHERE v.project_id = $1) AS versions,
       (SELECT count(*)::int FROM projects p WHERE p.user_id = ANY($2::uuid[])) AS projects,
       (SELECT json_agg(json_build_object('id', u.id, 'b', u.storage_used_bytes) ORDER BY u.id)
          FROM users u WHERE u.id = ANY($2::uuid[])) AS storage,
       (SELECT json_agg(json_build_object('u', m.user_id, 'r', m.role) ORDER BY m.user_id)
          FROM project_members m WHERE m.project_id = $1) AS members,
       (SELECT json_agg(json_build_object('id', i.id, 's', i.status) ORDER BY i.id)
          FROM project_invitations i WHERE i.project_id = $1) AS invitations`,
    [w.projectId, [...Object.values(users), other].map((u) => u.id)],
  );
  return rows[0];
}

const allows = (role: Role, need: Need): boolean =>
  role === 'owner' || (role === 'editor' && need !== 'manage') || (role === 'viewer' && need === 'read');

const key = (route: RouteDef) => `${route.method.toUpperCase()} ${route.path}`;

describe('the access contract, route by route', () => {
  test('when the route table is walked, then every route that touches a project has an expectation', () => {
    const routes = t.app.locals.routes as RouteDef[];
    const projectish = routes.filter((route) => PROJECTISH.test(route.path)).map(key);
    expect(projectish.length).toBeGreaterThan(20);
    const declared = new Set([...Object.keys(EXPECTATIONS), ...NO_PROJECT, FILES]);
    expect(projectish.filter((k) => !declared.has(k))).toEqual([]);
    // And nothing is expected of a route that no longer exists.
    expect([...declared].filter((k) => !projectish.includes(k))).toEqual([]);
  });

  describe.each(Object.entries(EXPECTATIONS))('%s', (_name, expectation) => {
    test('when a stranger asks, then it is 404 and nothing changed', async () => {
      const world = await makeWorld();
      const before = await snapshot(world);
      const res = await expectation.send(world, users.stranger.auth);
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(await snapshot(world)).toEqual(before);
    });

    test.each(['viewer', 'editor', 'owner'] as Role[])(
      'when the %s asks, then the role decides: the answer, or 403 FORBIDDEN with nothing changed',
      async (role) => {
        const world = await makeWorld();
        const before = await snapshot(world);
        const res = await expectation.send(world, users[role].auth);
        if (allows(role, expectation.need)) {
          expect({ status: res.status, body: res.status >= 400 ? res.body : undefined }).toEqual({
            status: expectation.ok,
            body: undefined,
          });
        } else {
          expect(res.status).toBe(403);
          expect(res.body.code).toBe('FORBIDDEN');
          expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
          expect(await snapshot(world)).toEqual(before);
        }
      },
    );
  });

  test('when members fetch a file by the signed URL they were given, then it is served; a changed signature is 403', async () => {
    const world = await makeWorld();
    for (const role of ['viewer', 'editor'] as Role[]) {
      const image = await http().get(`/api/images/${world.imageId}`).set(users[role].auth);
      expect(image.status).toBe(200);
      const path = new URL(image.body.url, 'http://x').pathname + new URL(image.body.url, 'http://x').search;
      const file = await http().get(path);
      expect(file.status).toBe(200);
      expect(file.headers['content-type']).toBe('image/png');
    }
    // A stranger never gets a URL (the image is 404 to them), and cannot make one.
    expect((await http().get(`/api/images/${world.imageId}`).set(users.stranger.auth)).status).toBe(404);
    const forged = new URL(world.imageUrl, 'http://x');
    forged.searchParams.set('sig', 'A'.repeat(43));
    const res = await http().get(forged.pathname + forged.search);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('FORBIDDEN');
  });
});
