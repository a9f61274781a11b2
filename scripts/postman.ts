/**
 * npm run postman — writes postman/colorbook.postman_collection.json: every operation of the OpenAPI
 * document (openapi-to-postmanv2, one folder per tag) plus
 * - an auth flow: any response carrying `accessToken`/`refreshToken` (register, login, refresh) stores the
 *   pair in collection variables, every request sends `Bearer {{accessToken}}` (public ones send nothing),
 *   and a pre-request script refreshes the pair when the access token is about to expire;
 * - a "Smoke flow" folder that walks through the API in order, with tests; `npm run test:postman` runs it
 *   with newman against a live server (scripts/newman-smoke.ts). Its upload sends SMOKE_IMAGE, a path
 *   relative to the repository root (newman's `--working-dir`; the Postman app's working directory).
 * The output is deterministic (the converter's example faker is seeded, ids are dropped), so the committed
 * file only changes when the API does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { openApiPath } from '../src/http/openapi';
import { projectRoot } from '../src/lib/paths';
import { FIXTURE_IMAGE, FLOW, type FlowStep } from './postman-flow';
import { runScript } from './run-script';

export const COLLECTION_FILE = path.join(projectRoot, 'postman', 'colorbook.postman_collection.json');
export const SMOKE_FOLDER = 'Smoke flow';
/** The smoke flow's upload: a tiny white PNG (64×48), relative to the repository root. */
export const SMOKE_IMAGE = FIXTURE_IMAGE;

type Json = Record<string, any>;

/** Stores the token pair of any response that has one (register, login, refresh). */
const STORE_TOKENS = `
const type = pm.response.headers.get('Content-Type') || '';
if (type.includes('json')) {
  let body;
  try { body = pm.response.json(); } catch (e) { body = undefined; }
  if (body && typeof body.accessToken === 'string' && typeof body.refreshToken === 'string') {
    pm.collectionVariables.set('accessToken', body.accessToken);
    pm.collectionVariables.set('refreshToken', body.refreshToken);
    pm.collectionVariables.set('accessTokenExpiresAt', String(Date.now() + (body.expiresIn || 900) * 1000));
  }
}`;

/** Refreshes the pair first when the access token expires within 30 s (never for the auth calls themselves). */
const REFRESH_WHEN_EXPIRING = `
const path = pm.request.url.getPath();
const refreshToken = pm.collectionVariables.get('refreshToken');
const expiresAt = Number(pm.collectionVariables.get('accessTokenExpiresAt') || 0);
if (refreshToken && expiresAt && expiresAt - Date.now() < 30000 && !/^\\/api\\/auth\\/(login|register|refresh)$/.test(path)) {
  pm.sendRequest({
    url: pm.collectionVariables.get('baseUrl') + '/api/auth/refresh',
    method: 'POST',
    header: { 'Content-Type': 'application/json' },
    body: { mode: 'raw', raw: JSON.stringify({ refreshToken }) },
  }, (error, response) => {
    if (!error && response.code === 200) {
      const body = response.json();
      pm.collectionVariables.set('accessToken', body.accessToken);
      pm.collectionVariables.set('refreshToken', body.refreshToken);
      pm.collectionVariables.set('accessTokenExpiresAt', String(Date.now() + (body.expiresIn || 900) * 1000));
    }
  });
}`;

const script = (type: 'prerequest' | 'test', source: string): Json => ({
  listen: type,
  script: { type: 'text/javascript', exec: source.trim().split('\n') },
});

/** A small seeded PRNG: the converter fakes example values with Math.random. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function convert(document: Json): Promise<Json> {
  const random = Math.random;
  // Seeded before the converter loads: its faker keeps a reference to Math.random from then on.
  Math.random = seeded(20240601);
  const { convertV2 } = await import('openapi-to-postmanv2');
  return new Promise<Json>((resolve, reject) => {
    convertV2(
      { type: 'json', data: document as any },
      {
        folderStrategy: 'Tags',
        requestNameSource: 'Fallback',
        parametersResolution: 'Example',
        // Optional query parameters are listed but off: the API refuses unknown or out-of-range ones.
        enableOptionalParameters: false,
        alwaysInheritAuthentication: true,
      } as any,
      (error: { message: string } | null, result: any) => {
        if (error) reject(new Error(error.message));
        else if (!result?.result) reject(new Error(`conversion failed: ${result?.reason}`));
        else resolve(result.output[0].data);
      },
    );
  }).finally(() => {
    Math.random = random;
  });
}

/**
 * Removes the random ids the converter gives every item, and the saved responses: those are faked from the
 * schemas (random values, times of day), nine-tenths of the file, and the docs page shows the real shapes.
 */
function dropNoise(node: unknown): void {
  if (Array.isArray(node)) node.forEach(dropNoise);
  else if (node && typeof node === 'object') {
    const object = node as Json;
    delete object.id;
    delete object._postman_id;
    if (object.request && Array.isArray(object.response)) object.response = [];
    Object.values(object).forEach(dropNoise);
  }
}

const requestKey = (request: Json) => `${request.method} /${(request.url.path as string[]).join('/')}`;

/** Every request item of the collection, with the operation (`METHOD /api/...`, Express style) it sends. */
function requestItems(items: Json[], out = new Map<string, Json>()): Map<string, Json> {
  for (const item of items) {
    if (item.item) requestItems(item.item, out);
    else if (item.request && !out.has(requestKey(item.request))) out.set(requestKey(item.request), item);
  }
  return out;
}

function rawJson(value: unknown): Json {
  return { mode: 'raw', raw: JSON.stringify(value, null, 2), options: { raw: { language: 'json' } } };
}

export async function buildPostmanCollection(document?: Json): Promise<Json> {
  // Loaded only when needed: client-generate pulls in openapi-typescript (ESM deps Jest cannot require).
  const doc = document ?? (await (await import('./client-generate.js')).buildOpenApiDocument());
  const collection = await convert(doc);
  dropNoise(collection);

  collection.info = {
    name: 'ColorBook Engine API',
    description:
      'Generated from the OpenAPI document (`npm run postman`). Run "Smoke flow" first, or register/login: ' +
      'the tokens are stored in collection variables and sent as `Bearer {{accessToken}}`, refreshed when ' +
      'they are about to expire. Set `baseUrl` to your server.',
    schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json',
  };
  collection.variable = [
    { key: 'baseUrl', value: 'http://localhost:3000' },
    { key: 'email', value: '' },
    { key: 'password', value: 'correct horse battery' },
    { key: 'accessToken', value: '' },
    { key: 'refreshToken', value: '' },
    { key: 'accessTokenExpiresAt', value: '' },
    // Ids and values saved by the steps, so that later steps of the folder use real ones.
    ...flowVariables().map((key) => ({ key, value: '' })),
  ];
  collection.auth = { type: 'bearer', bearer: [{ key: 'token', value: '{{accessToken}}', type: 'string' }] };
  collection.event = [script('prerequest', REFRESH_WHEN_EXPIRING), script('test', STORE_TOKENS)];

  // Public operations send no token; the auth calls take their credentials from the variables.
  const items = requestItems(collection.item);
  for (const [pathKey, pathItem] of Object.entries<Json>(doc.paths)) {
    for (const [method, operation] of Object.entries<Json>(pathItem)) {
      const item = items.get(`${method.toUpperCase()} ${pathKey.replace(/\{([^}]+)\}/g, ':$1')}`);
      if (item && Array.isArray(operation.security) && operation.security.length === 0) {
        item.request.auth = { type: 'noauth' };
      }
    }
  }
  const bodies: Record<string, unknown> = {
    'POST /api/auth/register': { email: '{{email}}', password: '{{password}}', displayName: 'Postman' },
    'POST /api/auth/login': { email: '{{email}}', password: '{{password}}' },
    'POST /api/auth/refresh': { refreshToken: '{{refreshToken}}' },
    'POST /api/auth/logout': { refreshToken: '{{refreshToken}}' },
  };
  for (const [key, body] of Object.entries(bodies)) {
    const item = items.get(key);
    if (item) item.request.body = rawJson(body);
  }

  collection.item = [smokeFlow(items), ...moduleFolders(collection.item, items)];
  return collection;
}

/** `GET /api/projects/{id}` → `GET /api/projects/:id`, the key of `requestItems`. */
const itemKey = (operation: string) => operation.replace(/\{([^}]+)\}/g, ':$1');

/** Every variable the flow saves or reads (`{{name}}`), minus the fixed ones, in a stable order. */
function flowVariables(): string[] {
  const names = new Set<string>(['projectId', 'imageId']);
  for (const folder of FLOW) {
    for (const step of folder.steps) {
      Object.keys(step.save ?? {}).forEach((name) => names.add(name));
      for (const [, name] of JSON.stringify(step).matchAll(/\{\{(\w+)\}\}/g)) names.add(name);
    }
  }
  const fixed = ['baseUrl', 'email', 'password', 'accessToken', 'refreshToken', 'accessTokenExpiresAt'];
  return [...names].filter((name) => !fixed.includes(name));
}

/**
 * The test of a step: its expected status (and problem `code`), then the values it saves and its own
 * checks, on success only.
 */
function stepTests(flowStep: FlowStep): string {
  const expected = Array.isArray(flowStep.expect) ? flowStep.expect : [flowStep.expect];
  const codes = typeof flowStep.code === 'string' ? { [expected[0]]: flowStep.code } : (flowStep.code ?? {});
  const lines = [
    'let body;',
    'try { body = pm.response.json(); } catch (e) { body = undefined; }',
    `pm.test('answers ${expected.join(' or ')}', () => pm.expect(pm.response.code).to.be.oneOf(${JSON.stringify(expected)}));`,
  ];
  if (Object.keys(codes).length) {
    lines.push(
      `const codes = ${JSON.stringify(codes)};`,
      'if (codes[pm.response.code]) {',
      "  pm.test('problem code ' + codes[pm.response.code], () => pm.expect(body && body.code).to.eql(codes[pm.response.code]));",
      '}',
    );
  }
  const onSuccess = [
    ...Object.entries(flowStep.save ?? {}).map(
      ([name, expression]) => `pm.collectionVariables.set('${name}', ${expression});`,
    ),
    ...(flowStep.check ? flowStep.check.trim().split('\n') : []),
  ];
  if (onSuccess.length) {
    lines.push(
      'if (pm.response.code >= 200 && pm.response.code < 300) {',
      ...onSuccess.map((line) => `  ${line}`),
      '}',
    );
  }
  return lines.join('\n');
}

/** A copy of the generated request of a flow step, with its inputs, path variables and tests. */
function flowItem(items: Map<string, Json>, flowStep: FlowStep): Json {
  const generated = items.get(itemKey(flowStep.op));
  if (!generated) throw new Error(`postman-flow: ${flowStep.op} is not in the OpenAPI document`);
  const item = step(items, flowStep.name ?? generated.name, itemKey(flowStep.op), stepTests(flowStep), {
    body: flowStep.body,
    formdata: flowStep.formdata,
    prerequest: flowStep.prerequest,
  });
  const request = item.request;
  if (flowStep.body !== undefined) setHeader(request, 'Content-Type', 'application/json');
  for (const [name, value] of Object.entries(flowStep.headers ?? {})) setHeader(request, name, value);
  // Path variables: every one is named by the step, so no generated (made-up) id is ever sent.
  for (const variable of request.url.variable as Json[]) {
    const value = flowStep.params?.[variable.key];
    if (value === undefined) throw new Error(`postman-flow: ${flowStep.op} needs params.${variable.key}`);
    variable.value = value;
  }
  // Query: the step's parameters on; the generated optional ones stay off; a required one must be given.
  const query = (request.url.query ?? []) as Json[];
  for (const parameter of query) {
    const value = flowStep.query?.[parameter.key];
    if (value !== undefined) Object.assign(parameter, { value, disabled: false });
    else if (!parameter.disabled)
      throw new Error(`postman-flow: ${flowStep.op} needs query.${parameter.key}`);
  }
  for (const [key, value] of Object.entries(flowStep.query ?? {})) {
    if (!query.some((parameter) => parameter.key === key)) query.push({ key, value });
  }
  request.url.query = query;
  return item;
}

function setHeader(request: Json, key: string, value: string): void {
  const headers = ((request.header ?? []) as Json[]).filter((h) => h.key.toLowerCase() !== key.toLowerCase());
  request.header = [...headers, { key, value }];
}

/**
 * The module folders in FLOW's order, each holding its steps in order. An operation of a folder's tag
 * that FLOW does not list yet is kept at the end of its folder, asserting a 2xx, so a newman run points
 * at it until it is wired.
 */
function moduleFolders(generatedFolders: Json[], items: Map<string, Json>): Json[] {
  const folders = FLOW.map((folder) => ({
    name: folder.name,
    description: folder.description,
    item: folder.steps.map((flowStep) => flowItem(items, flowStep)),
  }));
  for (const generated of generatedFolders) {
    let folder = folders.find((candidate) => candidate.name === generated.name);
    if (!folder) {
      folder = { name: generated.name, description: generated.description ?? '', item: [] };
      folders.push(folder);
    }
    const wired = new Set(
      FLOW.find((candidate) => candidate.name === generated.name)?.steps.map((s) => itemKey(s.op)),
    );
    for (const item of requestItems(generated.item ?? []).values()) {
      const key = requestKey(item.request);
      if (wired.has(key)) continue;
      console.warn(`postman: ${key} (${generated.name}) is not wired in scripts/postman-flow.ts`);
      folder.item.push(
        step(
          items,
          item.name,
          key,
          "pm.test('answers 2xx', () => pm.expect(pm.response.code).to.be.within(200, 299));",
        ),
      );
    }
  }
  return folders;
}

/** A copy of the generated request for an operation, with the flow's body and tests. */
function step(
  items: Map<string, Json>,
  name: string,
  operation: string,
  tests: string,
  extra: {
    body?: unknown;
    /** A multipart body instead: text fields, and file fields whose value is a path (`src`). */
    formdata?: { key: string; value: string; type: 'text' | 'file' }[];
    prerequest?: string;
    query?: Record<string, string>;
  } = {},
): Json {
  const [method, expressPath] = operation.split(' ');
  const generated = items.get(`${method} ${expressPath}`);
  if (!generated)
    throw new Error(`${operation} is not in the OpenAPI document (${openApiPath(expressPath)})`);
  const request = structuredClone(generated.request);
  request.name = name;
  if (extra.body !== undefined) request.body = rawJson(extra.body);
  if (extra.formdata) {
    request.body = {
      mode: 'formdata',
      formdata: extra.formdata.map(({ key, value, type }) =>
        type === 'file' ? { key, type, src: value } : { key, type, value },
      ),
    };
    // The converter's bare `multipart/form-data` header has no boundary: let the runner write its own.
    request.header = (request.header as Json[]).filter((h) => h.key.toLowerCase() !== 'content-type');
  }
  if (extra.query) {
    request.url.query = Object.entries(extra.query).map(([key, value]) => ({ key, value }));
  }
  const event = [script('test', tests)];
  if (extra.prerequest) event.unshift(script('prerequest', extra.prerequest));
  return { name, request, event, response: [] };
}

function smokeFlow(items: Map<string, Json>): Json {
  return {
    name: SMOKE_FOLDER,
    description:
      'register → login → me → refresh → create a project → upload an image → list images → list projects, ' +
      `in order, with tests. The upload sends ${SMOKE_IMAGE}: run from the repository root (newman ` +
      "`--working-dir`, or the Postman app's working directory).",
    item: [
      step(
        items,
        'Register',
        'POST /api/auth/register',
        `
pm.test('201 with a token pair', () => {
  pm.response.to.have.status(201);
  pm.expect(pm.response.headers.get('Location')).to.eql('/api/auth/me');
  pm.expect(pm.response.json().accessToken).to.be.a('string');
});`,
        {
          prerequest: `pm.collectionVariables.set('email', 'postman-' + pm.variables.replaceIn('{{$guid}}') + '@example.test');`,
        },
      ),
      step(
        items,
        'Login',
        'POST /api/auth/login',
        `
pm.test('200 with a token pair', () => {
  pm.response.to.have.status(200);
  pm.expect(pm.response.json().user.email).to.eql(pm.collectionVariables.get('email'));
});`,
      ),
      step(
        items,
        'Me',
        'GET /api/auth/me',
        `
pm.test('200: the signed-in user', () => {
  pm.response.to.have.status(200);
  pm.expect(pm.response.json().email).to.eql(pm.collectionVariables.get('email'));
});`,
      ),
      step(
        items,
        'Refresh',
        'POST /api/auth/refresh',
        `
pm.test('200 with a new pair (stored by the collection script)', () => {
  pm.response.to.have.status(200);
  pm.expect(pm.response.json().refreshToken).to.be.a('string');
});`,
      ),
      step(
        items,
        'Create a project',
        'POST /api/projects',
        `
pm.test('201 with Location and ETag', () => {
  pm.response.to.have.status(201);
  const project = pm.response.json();
  pm.expect(pm.response.headers.get('Location')).to.eql('/api/projects/' + project.id);
  pm.expect(pm.response.headers.get('ETag')).to.eql('"1"');
  pm.collectionVariables.set('projectId', project.id);
});`,
        { body: { title: 'Postman smoke book', tags: ['postman'] } },
      ),
      step(
        items,
        'Upload an image',
        'POST /api/images',
        `
pm.test('201: the PNG is stored with signed URLs', () => {
  pm.response.to.have.status(201);
  const image = pm.response.json();
  pm.expect(pm.response.headers.get('Location')).to.eql('/api/images/' + image.id);
  pm.expect(image.projectId).to.eql(pm.collectionVariables.get('projectId'));
  pm.expect(image).to.include({ mimeType: 'image/png', width: 64, height: 48, title: 'Smoke page' });
  pm.expect(image.url).to.match(/[?&]sig=/);
  pm.collectionVariables.set('imageId', image.id);
});`,
        {
          formdata: [
            { key: 'projectId', value: '{{projectId}}', type: 'text' },
            { key: 'title', value: 'Smoke page', type: 'text' },
            { key: 'file', value: SMOKE_IMAGE, type: 'file' },
          ],
        },
      ),
      step(
        items,
        'List images',
        'GET /api/images',
        `
pm.test("200: the project's images are the uploaded one", () => {
  pm.response.to.have.status(200);
  const body = pm.response.json();
  pm.expect(body.pagination.total).to.eql(1);
  pm.expect(body.data[0].id).to.eql(pm.collectionVariables.get('imageId'));
  pm.expect(body.data[0].thumbnailUrl).to.match(/[?&]sig=/);
});`,
        { query: { projectId: '{{projectId}}' } },
      ),
      step(
        items,
        'List projects',
        'GET /api/projects',
        `
pm.test('200: the new project is listed', () => {
  pm.response.to.have.status(200);
  const ids = pm.response.json().data.map((p) => p.id);
  pm.expect(ids).to.include(pm.collectionVariables.get('projectId'));
});`,
        { query: { limit: '100' } },
      ),
    ],
  };
}

/** The collection as the committed file holds it: formatted by the repository's Prettier settings. */
export async function collectionText(collection: Json): Promise<string> {
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(COLLECTION_FILE)) ?? {};
  return prettier.format(JSON.stringify(collection), { ...options, parser: 'json' });
}

async function main(): Promise<void> {
  const collection = await buildPostmanCollection();
  fs.mkdirSync(path.dirname(COLLECTION_FILE), { recursive: true });
  fs.writeFileSync(COLLECTION_FILE, await collectionText(collection));
  console.log(`wrote ${path.relative(process.cwd(), COLLECTION_FILE)}`);
}

if (require.main === module) runScript(main);
