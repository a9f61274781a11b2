/**
 * The run order and the inputs of every module folder of the Postman collection (scripts/postman.ts).
 *
 * Each folder stands alone: it starts by signing up a fresh user (and creating the project, image… it
 * needs), so a folder passes when run by itself and when the whole collection runs, in any folder order.
 * Steps are keyed by method and OpenAPI path (never by summary or description, which change freely); the
 * ids a step needs come from collection variables saved by earlier steps of the same folder.
 *
 * Every step asserts one status: the 2xx of the operation, or the documented answer for what this run
 * can do, e.g. 403 for the admin-only summary (the run's users are not admins), 400 `INVALID_TOKEN` for a
 * reset/verify token (the mailed token never reaches the run), 503 `BILLING_DISABLED` when the server has
 * no Stripe configured (the billing steps accept that or the 2xx).
 */

/** One request of a folder. */
export interface FlowStep {
  /** `METHOD /openapi/path`, e.g. `GET /api/projects/{id}`. */
  op: string;
  /** The request's name in the folder (default: the operation's summary). */
  name?: string;
  /** The expected status; more than one when the answer depends on the server's configuration. */
  expect: number | number[];
  /** For a 4xx/5xx answer: the problem's `code`. */
  code?: string | Record<number, string>;
  /** A JSON body. */
  body?: unknown;
  /** A multipart body: text fields, and file fields whose value is a path from the repository root. */
  formdata?: { key: string; value: string; type: 'text' | 'file' }[];
  /** Path variables, e.g. `{ id: '{{projectId}}' }`. */
  params?: Record<string, string>;
  /** Query parameters (the generated optional ones stay off unless named here). */
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** Collection variables set from the answer: variable → JS expression over `body` (the parsed JSON). */
  save?: Record<string, string>;
  /** More assertions: JS run after the status test, with `body` in scope. */
  check?: string;
  /** Runs before the request. */
  prerequest?: string;
}

export interface FlowFolder {
  /** The tag whose generated folder this replaces. */
  name: string;
  description: string;
  steps: FlowStep[];
}

/** A tiny white PNG (64×48), relative to the repository root (newman's `--working-dir`). */
export const FIXTURE_IMAGE = 'postman/fixtures/page.png';

/** A fresh user for the folder; the collection's test script keeps its token pair. */
const signUp = (name = 'Setup: sign up a fresh user', emailVariable = 'email'): FlowStep => ({
  op: 'POST /api/auth/register',
  name,
  expect: 201,
  prerequest: `pm.collectionVariables.set('${emailVariable}', 'postman-' + pm.variables.replaceIn('{{$guid}}') + '@example.test');`,
  body: { email: `{{${emailVariable}}}`, password: '{{password}}', displayName: 'Postman' },
  check: `pm.test('a token pair', () => pm.expect(body.accessToken).to.be.a('string'));`,
});

const createProject = (title = 'Postman book'): FlowStep => ({
  op: 'POST /api/projects',
  name: 'Setup: create a project',
  expect: 201,
  body: { title, tags: ['postman'] },
  save: { projectId: 'body.id' },
});

const uploadImage = (name = 'Setup: upload an image', title = 'Postman page'): FlowStep => ({
  op: 'POST /api/images',
  name,
  expect: 201,
  formdata: [
    { key: 'projectId', value: '{{projectId}}', type: 'text' },
    { key: 'title', value: title, type: 'text' },
    { key: 'file', value: FIXTURE_IMAGE, type: 'file' },
  ],
  save: { imageId: 'body.id', imageUrl: 'body.url' },
});

const byId = (variable: string) => ({ id: `{{${variable}}}` });

/** Billing needs Stripe: a server without it answers 503 `BILLING_DISABLED`, which the run accepts. */
const BILLING_DISABLED = 'BILLING_DISABLED';

export const FLOW: FlowFolder[] = [
  {
    name: 'Operations',
    description: 'Health, readiness, metrics and the API description: public.',
    steps: [
      { op: 'GET /health', expect: 200 },
      { op: 'GET /ready', expect: 200 },
      {
        op: 'GET /metrics',
        expect: 200,
        check: `pm.test('Prometheus text', () => pm.expect(pm.response.text()).to.include('http_request_duration_seconds'));`,
      },
      {
        op: 'GET /api/openapi.json',
        expect: 200,
        check: `pm.test('an OpenAPI 3.1 document', () => pm.expect(body.openapi).to.match(/^3\\.1\\./));`,
      },
      {
        op: 'GET /api/docs',
        expect: 200,
        headers: { Accept: 'text/html' },
        check: `pm.test('an HTML page', () => pm.expect(pm.response.headers.get('Content-Type')).to.include('text/html'));`,
      },
    ],
  },
  {
    name: 'Auth',
    description:
      'Sign up, sign in, sessions, refresh, the mailed-token flows (with a token that is not the mailed one: ' +
      '400 INVALID_TOKEN), then logout and logout-all.',
    steps: [
      signUp(),
      {
        op: 'POST /api/auth/login',
        expect: 200,
        body: { email: '{{email}}', password: '{{password}}' },
        check: `pm.test('the signed-up user', () => pm.expect(body.user.email).to.eql(pm.collectionVariables.get('email')));`,
      },
      {
        op: 'GET /api/auth/me',
        expect: 200,
        check: `pm.test('the signed-in user', () => pm.expect(body.email).to.eql(pm.collectionVariables.get('email')));`,
      },
      {
        op: 'GET /api/auth/sessions',
        expect: 200,
        check: `pm.test('the sign-up and the sign-in sessions', () => pm.expect(body.data.length).to.eql(2));`,
        save: { otherSessionId: 'body.data.find((s) => !s.current).id' },
      },
      { op: 'DELETE /api/auth/sessions/{id}', expect: 204, params: byId('otherSessionId') },
      { op: 'POST /api/auth/refresh', expect: 200, body: { refreshToken: '{{refreshToken}}' } },
      { op: 'POST /api/auth/password/forgot', expect: 202, body: { email: '{{email}}' } },
      {
        op: 'POST /api/auth/password/reset',
        expect: 400,
        code: 'INVALID_TOKEN',
        body: { token: 'not-the-mailed-token', newPassword: 'another horse battery' },
      },
      { op: 'POST /api/auth/email/verify-request', expect: 202 },
      {
        op: 'POST /api/auth/email/verify',
        expect: 400,
        code: 'INVALID_TOKEN',
        body: { token: 'not-the-mailed-token' },
      },
      { op: 'POST /api/auth/logout', expect: 204, body: { refreshToken: '{{refreshToken}}' } },
      {
        op: 'POST /api/auth/login',
        name: 'Sign in again',
        expect: 200,
        body: { email: '{{email}}', password: '{{password}}' },
      },
      { op: 'POST /api/auth/logout-all', expect: 204 },
    ],
  },
  {
    name: 'Users',
    description: 'Profile, password change, then account deletion.',
    steps: [
      signUp(),
      {
        op: 'PATCH /api/users/me',
        expect: 200,
        body: { displayName: 'Postman user', settings: { theme: 'dark', pageSize: 'letter' } },
        check: `pm.test('changed', () => pm.expect(body.displayName).to.eql('Postman user'));`,
      },
      {
        op: 'POST /api/users/me/password',
        expect: 204,
        body: { currentPassword: '{{password}}', newPassword: 'another horse battery' },
      },
      {
        op: 'POST /api/auth/login',
        name: 'Sign in with the new password',
        expect: 200,
        body: { email: '{{email}}', password: 'another horse battery' },
      },
      { op: 'DELETE /api/users/me', expect: 204, body: { password: 'another horse battery' } },
    ],
  },
  {
    name: 'API keys',
    description: "The caller's AI-provider keys: store, list (masked), read, delete.",
    steps: [
      signUp(),
      {
        op: 'PUT /api/api-keys/{provider}',
        expect: 201,
        params: { provider: 'openai' },
        body: { key: 'sk-postman-0123456789abcdef', label: 'Postman' },
      },
      {
        op: 'GET /api/api-keys',
        expect: 200,
        check: `pm.test('masked', () => pm.expect(JSON.stringify(body)).not.to.include('sk-postman-0123456789abcdef'));`,
      },
      {
        op: 'GET /api/api-keys/{provider}',
        expect: 200,
        params: { provider: 'openai' },
        check: `pm.test('the stored key', () => pm.expect(body.key).to.eql('sk-postman-0123456789abcdef'));`,
      },
      { op: 'DELETE /api/api-keys/{provider}', expect: 204, params: { provider: 'openai' } },
    ],
  },
  {
    name: 'Projects',
    description:
      'Create, list, read, change (with If-Match), versions and restore, duplicate, export, delete.',
    steps: [
      signUp(),
      {
        op: 'POST /api/projects',
        expect: 201,
        body: {
          title: 'Postman book',
          description: 'Made by the Postman collection',
          category: 'animals',
          tags: ['postman'],
          settings: { trimSize: 'letter' },
        },
        save: { projectId: 'body.id' },
      },
      uploadImage('Setup: upload a page'),
      { op: 'GET /api/projects', expect: 200, query: { limit: '100' } },
      { op: 'GET /api/projects/{id}', expect: 200, params: byId('projectId') },
      {
        op: 'PUT /api/projects/{id}',
        expect: 200,
        params: byId('projectId'),
        headers: { 'If-Match': '"1"' },
        body: { title: 'Postman book, renamed', status: 'in_progress' },
        check: `pm.test('version 2', () => pm.expect(body.version).to.eql(2));`,
      },
      { op: 'GET /api/projects/{id}/versions', expect: 200, params: byId('projectId') },
      {
        op: 'GET /api/projects/{id}/versions/{version}',
        expect: 200,
        params: { id: '{{projectId}}', version: '1' },
      },
      {
        op: 'POST /api/projects/{id}/versions/{version}/restore',
        expect: 200,
        params: { id: '{{projectId}}', version: '1' },
        check: `pm.test('the first title again', () => pm.expect(body.title).to.eql('Postman book'));`,
      },
      {
        op: 'POST /api/projects/{id}/duplicate',
        expect: 201,
        params: byId('projectId'),
        body: { title: 'Postman book (copy)' },
        save: { copyId: 'body.id' },
      },
      { op: 'GET /api/projects/{id}/export/preflight', expect: 200, params: byId('projectId') },
      {
        op: 'POST /api/projects/{id}/export',
        expect: 200,
        params: byId('projectId'),
        headers: { Accept: 'application/pdf' },
        body: { format: 'pdf', trimSize: 'letter' },
        check: `pm.test('a PDF', () => pm.expect(pm.response.headers.get('Content-Type')).to.include('application/pdf'));`,
      },
      { op: 'DELETE /api/projects/{id}', name: 'Delete the copy', expect: 204, params: byId('copyId') },
      { op: 'DELETE /api/projects/{id}', expect: 204, params: byId('projectId') },
    ],
  },
  {
    name: 'Exports',
    description:
      'A durable export job: start it (202 with its Location), list the caller’s jobs, follow one, and cancel ' +
      'it (or remove it with its file when it has already finished).',
    steps: [
      signUp(),
      createProject('Exported book'),
      uploadImage(),
      {
        op: 'POST /api/projects/{id}/exports',
        expect: 202,
        params: byId('projectId'),
        body: { format: 'pdf', trimSize: 'letter' },
        save: { exportId: 'body.id' },
        check: `pm.test('queued, with its Location', () => { pm.expect(body.status).to.eql('queued'); pm.expect(pm.response.headers.get('Location')).to.eql('/api/exports/' + body.id); });`,
      },
      {
        op: 'GET /api/exports',
        expect: 200,
        query: { projectId: '{{projectId}}' },
        check: `pm.test('the job is listed', () => pm.expect(body.data.map((j) => j.id)).to.include(pm.collectionVariables.get('exportId')));`,
      },
      {
        op: 'GET /api/exports/{id}',
        expect: 200,
        params: byId('exportId'),
        check: `pm.test('a state', () => pm.expect(['queued', 'running', 'succeeded']).to.include(body.status));`,
      },
      { op: 'DELETE /api/exports/{id}', expect: 204, params: byId('exportId') },
    ],
  },
  {
    name: 'Your data',
    description:
      'The caller’s archive (one ZIP of everything they own, made by a job) and an import: start, list, ' +
      'follow and cancel each. The import here uploads a PNG, not an archive: it is accepted (202) and its job ' +
      'ends `failed` with `NOT_A_ZIP` once a worker looks at it.',
    steps: [
      signUp(),
      {
        op: 'POST /api/users/me/archives',
        expect: 202,
        save: { archiveId: 'body.id' },
        check: `pm.test('queued, with its Location', () => { pm.expect(body.status).to.eql('queued'); pm.expect(pm.response.headers.get('Location')).to.eql('/api/users/me/archives/' + body.id); });`,
      },
      {
        op: 'GET /api/users/me/archives',
        expect: 200,
        check: `pm.test('the job is listed', () => pm.expect(body.data.map((j) => j.id)).to.include(pm.collectionVariables.get('archiveId')));`,
      },
      {
        op: 'GET /api/users/me/archives/{id}',
        expect: 200,
        params: byId('archiveId'),
        check: `pm.test('a state', () => pm.expect(['queued', 'running', 'succeeded']).to.include(body.status));`,
      },
      { op: 'DELETE /api/users/me/archives/{id}', expect: 204, params: byId('archiveId') },
      {
        op: 'POST /api/users/me/imports',
        expect: 202,
        formdata: [{ key: 'file', value: FIXTURE_IMAGE, type: 'file' }],
        save: { importId: 'body.id' },
        check: `pm.test('queued, with its Location', () => pm.expect(pm.response.headers.get('Location')).to.eql('/api/users/me/imports/' + body.id));`,
      },
      {
        op: 'GET /api/users/me/imports',
        expect: 200,
        check: `pm.test('the job is listed', () => pm.expect(body.data.map((j) => j.id)).to.include(pm.collectionVariables.get('importId')));`,
      },
      {
        op: 'GET /api/users/me/imports/{id}',
        expect: 200,
        params: byId('importId'),
        check: `pm.test('a state', () => pm.expect(['queued', 'running', 'failed']).to.include(body.status));`,
      },
      { op: 'DELETE /api/users/me/imports/{id}', expect: 204, params: byId('importId') },
    ],
  },
  {
    name: 'Sharing',
    description:
      'The owner invites an address (the mailed link never reaches the run), revokes and invites again, ' +
      'lists members and invitations; the invitee signs up with that address: unverified, it may not see or ' +
      'answer invitations by id (403 EMAIL_NOT_VERIFIED), and a token that is not the mailed one is 400 ' +
      'INVALID_TOKEN; the owner signs in again: a non-member cannot get a role or the project, the owner ' +
      'cannot leave.',
    steps: [
      signUp('Setup: sign up the owner', 'ownerEmail'),
      {
        ...createProject('Shared book'),
        save: { projectId: 'body.id', ownerId: 'body.ownerId' },
      },
      {
        op: 'POST /api/projects/{id}/invitations',
        name: 'Invite an editor',
        expect: 201,
        params: byId('projectId'),
        prerequest: `pm.collectionVariables.set('inviteeEmail', 'postman-' + pm.variables.replaceIn('{{$guid}}') + '@example.test');`,
        body: { email: '{{inviteeEmail}}', role: 'editor' },
        save: { invitationId: 'body.id' },
        check: `pm.test('pending', () => pm.expect(body).to.include({ status: 'pending', role: 'editor' }));`,
      },
      {
        op: 'GET /api/projects/{id}/invitations',
        expect: 200,
        params: byId('projectId'),
        check: `pm.test('the invitation', () => pm.expect(body.data.map((i) => i.id)).to.eql([pm.collectionVariables.get('invitationId')]));`,
      },
      {
        op: 'DELETE /api/projects/{id}/invitations/{invitationId}',
        expect: 204,
        params: { id: '{{projectId}}', invitationId: '{{invitationId}}' },
      },
      {
        op: 'POST /api/projects/{id}/invitations',
        name: 'Invite again, as a viewer',
        expect: 201,
        params: byId('projectId'),
        body: { email: '{{inviteeEmail}}', role: 'viewer' },
        save: { invitationId: 'body.id' },
      },
      {
        op: 'GET /api/projects/{id}/members',
        expect: 200,
        params: byId('projectId'),
        check: `pm.test('the owner alone, first', () => pm.expect(body.data.map((m) => m.role)).to.eql(['owner']));`,
      },
      {
        // The address the invitations went to (set by the first one): the collection's token is now the invitee's.
        op: 'POST /api/auth/register',
        name: 'Setup: the invitee signs up with the invited address',
        expect: 201,
        body: { email: '{{inviteeEmail}}', password: '{{password}}', displayName: 'Postman invitee' },
        save: { inviteeId: 'body.user.id' },
      },
      {
        op: 'GET /api/invitations',
        name: 'Invitations need a verified address',
        expect: 403,
        code: 'EMAIL_NOT_VERIFIED',
      },
      {
        op: 'POST /api/invitations/accept',
        name: 'Accept with a token that is not the mailed one',
        expect: 400,
        code: 'INVALID_TOKEN',
        body: { token: 'not-the-mailed-token' },
      },
      {
        op: 'POST /api/invitations/{id}/accept',
        name: 'Accepting by id needs a verified address',
        expect: 403,
        code: 'EMAIL_NOT_VERIFIED',
        params: byId('invitationId'),
      },
      {
        op: 'POST /api/invitations/{id}/decline',
        name: 'Declining by id needs a verified address',
        expect: 403,
        code: 'EMAIL_NOT_VERIFIED',
        params: byId('invitationId'),
      },
      {
        op: 'POST /api/auth/login',
        name: 'Sign in as the owner again',
        expect: 200,
        body: { email: '{{ownerEmail}}', password: '{{password}}' },
      },
      {
        op: 'PATCH /api/projects/{id}/members/{userId}',
        name: 'A non-member has no role to change',
        expect: 404,
        code: 'NOT_FOUND',
        params: { id: '{{projectId}}', userId: '{{inviteeId}}' },
        body: { role: 'editor' },
      },
      {
        op: 'DELETE /api/projects/{id}/members/{userId}',
        name: 'The owner cannot leave',
        expect: 409,
        code: 'OWNER_CANNOT_LEAVE',
        params: { id: '{{projectId}}', userId: '{{ownerId}}' },
      },
      {
        op: 'POST /api/projects/{id}/transfer',
        name: 'A transfer goes to members only',
        expect: 400,
        code: 'VALIDATION_ERROR',
        params: byId('projectId'),
        body: { userId: '{{inviteeId}}' },
      },
    ],
  },
  {
    name: 'Sync',
    description:
      'The changes feed from nothing (the fresh user and their project, as upserts), then from its cursor ' +
      '(a story added: the story and its project, whose counts changed); a ticket for EventSource. The live ' +
      'stream never ends by itself, so the run asks it only with a malformed cursor (400).',
    steps: [
      signUp(),
      createProject('Synced book'),
      {
        op: 'GET /api/sync/changes',
        name: 'Full state',
        expect: 200,
        query: { limit: '100' },
        save: { syncCursor: 'body.cursor' },
        check:
          "pm.test('the user and the project, no more to read', () => { " +
          "pm.expect(body.changes.map((c) => c.kind).sort()).to.eql(['project', 'user']); " +
          'pm.expect(body.hasMore).to.equal(false); });',
      },
      {
        op: 'POST /api/stories',
        name: 'Setup: add a story',
        expect: 201,
        body: { projectId: '{{projectId}}', title: 'Synced story' },
      },
      {
        op: 'GET /api/sync/changes',
        name: 'What changed since',
        expect: 200,
        query: { since: '{{syncCursor}}' },
        check:
          "pm.test('the story and its project', () => " +
          "pm.expect(body.changes.map((c) => c.kind).sort()).to.eql(['project', 'story']));",
      },
      {
        op: 'POST /api/sync/tickets',
        expect: 201,
        check: "pm.test('a ticket', () => pm.expect(body.ticket).to.be.a('string'));",
      },
      {
        op: 'GET /api/sync/stream',
        name: 'A malformed cursor is refused before the stream starts',
        expect: 400,
        code: 'VALIDATION_ERROR',
        query: { since: 'not-a-cursor' },
      },
    ],
  },
  {
    name: 'Stories',
    description: 'A story in a project: create, list, read, change, delete.',
    steps: [
      signUp(),
      createProject(),
      {
        op: 'POST /api/stories',
        expect: 201,
        body: {
          projectId: '{{projectId}}',
          title: 'The brave fox',
          content: 'Once upon a time, a fox found a crayon.',
          imagePrompts: ['A fox holding a crayon, line art'],
        },
        save: { storyId: 'body.id' },
      },
      { op: 'GET /api/stories', expect: 200, query: { projectId: '{{projectId}}' } },
      { op: 'GET /api/stories/{id}', expect: 200, params: byId('storyId') },
      {
        op: 'PUT /api/stories/{id}',
        expect: 200,
        params: byId('storyId'),
        body: { title: 'The braver fox' },
      },
      { op: 'DELETE /api/stories/{id}', expect: 204, params: byId('storyId') },
    ],
  },
  {
    name: 'Images',
    description: `Upload (${FIXTURE_IMAGE}), list, read, change, delete.`,
    steps: [
      signUp(),
      createProject(),
      { ...uploadImage('Upload an image'), check: imageChecks() },
      { op: 'GET /api/images', expect: 200, query: { projectId: '{{projectId}}' } },
      { op: 'GET /api/images/{id}', expect: 200, params: byId('imageId') },
      {
        op: 'PUT /api/images/{id}',
        expect: 200,
        params: byId('imageId'),
        body: { title: 'Cover', kind: 'cover' },
      },
      { op: 'DELETE /api/images/{id}', expect: 204, params: byId('imageId') },
    ],
  },
  {
    name: 'Drawings',
    description: 'A drawing (JSON form) over an image: create, list, read, change, delete.',
    steps: [
      signUp(),
      createProject(),
      uploadImage(),
      {
        op: 'POST /api/drawings',
        expect: 201,
        headers: { 'Content-Type': 'application/json' },
        body: {
          projectId: '{{projectId}}',
          imageId: '{{imageId}}',
          title: 'Colored fox',
          data: { strokes: [{ color: '#ff8800', width: 4, points: [0, 0, 10, 10] }] },
          width: 64,
          height: 48,
        },
        save: { drawingId: 'body.id' },
      },
      { op: 'GET /api/drawings', expect: 200, query: { projectId: '{{projectId}}' } },
      { op: 'GET /api/drawings/{id}', expect: 200, params: byId('drawingId') },
      {
        op: 'PUT /api/drawings/{id}',
        expect: 200,
        params: byId('drawingId'),
        headers: { 'Content-Type': 'application/json' },
        body: { title: 'Colored fox, finished' },
      },
      { op: 'DELETE /api/drawings/{id}', expect: 204, params: byId('drawingId') },
    ],
  },
  {
    name: 'Files',
    description: "A stored file through the signed URL the API returned (the uploaded image's `url`).",
    steps: [
      signUp(),
      createProject(),
      {
        ...uploadImage(),
        // The signed URL, split into the key (it contains `/`) and its query; absolute or not.
        check: `
const match = /\\/api\\/files\\/([^?]+)\\?(.*)$/.exec(body.url);
const query = {};
match[2].split('&').forEach((pair) => { const [k, v] = pair.split('='); query[k] = decodeURIComponent(v); });
pm.collectionVariables.set('fileKey', match[1]);
pm.collectionVariables.set('fileExp', query.exp);
pm.collectionVariables.set('fileSig', query.sig);`,
      },
      {
        op: 'GET /api/files/{key}',
        expect: 200,
        params: { key: '{{fileKey}}' },
        query: { exp: '{{fileExp}}', sig: '{{fileSig}}' },
        headers: { Accept: 'image/png' },
        check: `pm.test('the PNG', () => pm.expect(pm.response.headers.get('Content-Type')).to.eql('image/png'));`,
      },
    ],
  },
  {
    name: 'Templates',
    description:
      "A public template: its owner creates, changes and uses it (rating one's own is 403); a second user " +
      'rates it; the owner deletes it.',
    steps: [
      signUp('Setup: sign up the owner', 'ownerEmail'),
      {
        op: 'POST /api/templates',
        expect: 201,
        body: {
          title: 'Forest friends',
          description: 'Animals of the forest, one per page',
          category: 'animals',
          tags: ['forest', 'postman'],
          isPublic: true,
        },
        save: { templateId: 'body.id' },
      },
      { op: 'GET /api/templates', expect: 200 },
      { op: 'GET /api/templates/{id}', expect: 200, params: byId('templateId') },
      {
        op: 'PUT /api/templates/{id}',
        expect: 200,
        params: byId('templateId'),
        body: { title: 'Forest friends, volume 1' },
      },
      {
        op: 'POST /api/templates/{id}/use',
        expect: 201,
        params: byId('templateId'),
        body: { title: 'My forest book' },
      },
      {
        op: 'PUT /api/templates/{id}/ratings',
        name: "Rating one's own template is refused",
        expect: 403,
        params: byId('templateId'),
        body: { rating: 5 },
      },
      signUp('Setup: sign up a second user', 'email'),
      {
        op: 'PUT /api/templates/{id}/ratings',
        expect: 200,
        params: byId('templateId'),
        body: { rating: 4, review: 'Lovely line art' },
      },
      { op: 'GET /api/templates/{id}/ratings', expect: 200, params: byId('templateId') },
      { op: 'DELETE /api/templates/{id}/ratings', expect: 204, params: byId('templateId') },
      {
        op: 'POST /api/auth/login',
        name: 'Sign in as the owner again',
        expect: 200,
        body: { email: '{{ownerEmail}}', password: '{{password}}' },
      },
      { op: 'DELETE /api/templates/{id}', expect: 204, params: byId('templateId') },
    ],
  },
  {
    name: 'Analytics',
    description: "Record events, read the caller's summary; the admin summary refuses a non-admin (403).",
    steps: [
      signUp(),
      createProject(),
      {
        op: 'POST /api/analytics/events',
        expect: 202,
        body: {
          events: [
            { type: 'editor.opened', projectId: '{{projectId}}', properties: { source: 'postman' } },
            { type: 'export.started' },
          ],
        },
      },
      { op: 'GET /api/analytics/summary', expect: 200 },
      adminSummaryRefused(),
    ],
  },
  {
    name: 'Admin',
    description:
      "Admins only. The run's users are not admins, so it asserts the 403; with an admin's token (promote " +
      'one with `npm run admin:promote`) the same request answers 200.',
    steps: [signUp(), adminSummaryRefused()],
  },
  {
    name: 'Billing',
    description:
      'Plans and the subscription; checkout, portal and the webhook need Stripe: without it the server ' +
      'answers 503 BILLING_DISABLED, which is what these assert then.',
    steps: [
      signUp(),
      { op: 'GET /api/billing/plans', expect: 200 },
      { op: 'GET /api/billing/subscription', expect: 200 },
      {
        op: 'POST /api/billing/checkout',
        expect: [200, 503],
        code: { 503: BILLING_DISABLED },
        body: { plan: 'pro', interval: 'month' },
      },
      {
        // Without a checkout first there is no billing account: 404 when Stripe is configured.
        op: 'POST /api/billing/portal',
        expect: [404, 503],
        code: { 404: 'NOT_FOUND', 503: BILLING_DISABLED },
      },
      {
        // Unsigned: 400 INVALID_SIGNATURE with a webhook secret configured.
        op: 'POST /api/billing/webhook',
        expect: [400, 503],
        code: { 400: 'INVALID_SIGNATURE', 503: BILLING_DISABLED },
        body: { id: 'evt_postman', type: 'ping' },
      },
    ],
  },
];

function adminSummaryRefused(): FlowStep {
  return {
    op: 'GET /api/admin/analytics/summary',
    name: 'The admin summary refuses a non-admin',
    expect: 403,
    code: 'FORBIDDEN',
  };
}

function imageChecks(): string {
  return `
pm.test('the PNG with signed URLs', () => {
  pm.expect(body).to.include({ mimeType: 'image/png', width: 64, height: 48 });
  pm.expect(body.url).to.match(/[?&]sig=/);
});`;
}
