import { METHODS as HTTP_METHODS } from 'node:http';
import SwaggerParser from '@apidevtools/swagger-parser';
import { openApiPath } from '../../src/http/openapi';
import { useTestApp } from '../helpers/app';

const t = useTestApp({ validateResponses: true });

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** `METHOD /path` of every operation in the document. */
function documentedOperations(document: Record<string, any>): Set<string> {
  const operations = new Set<string>();
  for (const [path, item] of Object.entries<Record<string, unknown>>(document.paths)) {
    for (const method of METHODS) if (item[method]) operations.add(`${method.toUpperCase()} ${path}`);
  }
  return operations;
}

/** `METHOD /path` of every route in the Express router stack (405 catch-alls excluded). */
function mountedOperations(): { operations: Set<string>; catchAllPaths: Set<string> } {
  const operations = new Set<string>();
  const catchAllPaths = new Set<string>();
  const stack = (t.app as unknown as { router: { stack: any[] } }).router.stack;
  for (const layer of stack) {
    const route = layer.route as { path: string | string[]; methods: Record<string, boolean> } | undefined;
    if (!route) continue;
    for (const path of Array.isArray(route.path) ? route.path : [route.path]) {
      // Express 5's app.all() registers the route for every method: that is the router's 405 answer.
      if (HTTP_METHODS.every((m) => route.methods[m.toLowerCase()])) {
        catchAllPaths.add(openApiPath(path));
        continue;
      }
      for (const method of Object.keys(route.methods)) {
        operations.add(`${method.toUpperCase()} ${openApiPath(path)}`);
      }
    }
  }
  return { operations, catchAllPaths };
}

const hiddenOperations = () =>
  new Set(
    t.app.locals.routes
      .filter((r) => r.hidden)
      .map((r) => `${r.method.toUpperCase()} ${openApiPath(r.path)}`),
  );

describe('GET /api/openapi.json', () => {
  test('when it is fetched, then it is a valid OpenAPI 3.1 document', async () => {
    const res = await t.http().get('/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.openapi).toBe('3.1.0');
    // validate() dereferences in place: hand it a copy.
    await expect(SwaggerParser.validate(structuredClone(res.body))).resolves.toBeDefined();
  });

  test('when the app is mounted, then every route in the Express router is in the document, and back', async () => {
    const document = (await t.http().get('/api/openapi.json')).body;
    const documented = documentedOperations(document);
    const hidden = hiddenOperations();
    const { operations: mounted, catchAllPaths } = mountedOperations();

    const missing = [...mounted].filter(
      (op) => !documented.has(op) && !hidden.has(op) && !op.startsWith('HEAD '),
    );
    expect(missing).toEqual([]);
    const ghosts = [...documented].filter((op) => !mounted.has(op));
    expect(ghosts).toEqual([]);
    // The 405 answer for a known path with another method is on every documented path.
    expect([...catchAllPaths].sort()).toEqual(
      [...new Set([...mounted].filter((op) => !op.startsWith('HEAD ')).map((op) => op.split(' ')[1]))].sort(),
    );
  });

  test('when the declarations are compared with the document, then each non-hidden route is there once', () => {
    const document = t.app.locals.openapi() as Record<string, any>;
    const documented = documentedOperations(document);
    const declared = t.app.locals.routes.filter((r) => !r.hidden);
    const keys = declared.map((r) => `${r.method.toUpperCase()} ${openApiPath(r.path)}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.filter((k) => !documented.has(k))).toEqual([]);
    expect(documented.size).toBe(keys.length);
  });

  test('when operations are listed, then each has a unique operationId, a summary, known tags and its security', () => {
    const document = t.app.locals.openapi() as Record<string, any>;
    const tagNames = new Set((document.tags as { name: string }[]).map((tag) => tag.name));
    expect([...tagNames]).toEqual(expect.arrayContaining(['Auth', 'Operations']));
    expect(document.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });

    const ids = new Set<string>();
    for (const route of t.app.locals.routes.filter((r) => !r.hidden)) {
      const label = `${route.method.toUpperCase()} ${route.path}`;
      const operation = document.paths[openApiPath(route.path)][route.method];
      expect({ label, id: ids.has(operation.operationId) }).toEqual({ label, id: false });
      ids.add(operation.operationId);
      expect({ label, summary: typeof operation.summary }).toEqual({ label, summary: 'string' });
      expect({ label, tagsKnown: operation.tags.every((tag: string) => tagNames.has(tag)) }).toEqual({
        label,
        tagsKnown: true,
      });
      const statuses = Object.keys(operation.responses);
      // Every route refuses unknown query parameters (400) and can fail (500).
      expect({ label, statuses }).toEqual({ label, statuses: expect.arrayContaining(['400', '500']) });
      if (route.auth === 'required') {
        expect({ label, security: operation.security }).toEqual({ label, security: [{ bearerAuth: [] }] });
        expect({ label, statuses }).toEqual({ label, statuses: expect.arrayContaining(['401']) });
      }
      if (route.auth === 'none')
        expect({ label, security: operation.security }).toEqual({ label, security: [] });
    }
  });

  test('when an error response is documented, then it is problem+json with a Problem schema narrowed to its codes, and an example of each', () => {
    const document = t.app.locals.openapi() as Record<string, any>;
    for (const [name, response] of Object.entries<Record<string, any>>(document.components.responses)) {
      const [status, ...codes] = name.split('.');
      expect({ name, codes: response['x-error-codes'] }).toEqual({ name, codes });
      const content = response.content['application/problem+json'];
      expect({ name, schema: content.schema }).toEqual({
        name,
        schema: {
          allOf: [
            { $ref: '#/components/schemas/Problem' },
            { type: 'object', properties: { code: { type: 'string', enum: codes } } },
          ],
        },
      });
      const examples = Object.values<{ value: { status: number; code: string } }>(content.examples);
      expect({ name, codes: examples.map((example) => example.value.code) }).toEqual({ name, codes });
      for (const example of examples) expect(`E${example.value.status}`).toBe(status);
    }
  });
});

/** A concrete URL for a documented path: a nil UUID for ids (well formed, names nothing), plain values else. */
const concretePath = (template: string) =>
  template
    .replace(/\{(id|version|provider|key)\}/g, (_, name: string) =>
      name === 'id'
        ? '00000000-0000-0000-0000-000000000000'
        : name === 'version'
          ? '1'
          : name === 'provider'
            ? 'openai'
            : 'images%2Fx.png',
    )
    .replace(/\{[^}]+\}/g, 'x');

/** Every schema object in a document (the ones inside $ref targets are visited where they are defined). */
function* schemasIn(node: unknown, key = ''): Generator<Record<string, any>> {
  if (Array.isArray(node)) for (const item of node) yield* schemasIn(item, key);
  else if (node && typeof node === 'object') {
    const object = node as Record<string, any>;
    if (key === 'schema' || typeof object.type === 'string' || Array.isArray(object.type)) yield object;
    for (const [child, value] of Object.entries(object)) yield* schemasIn(value, child);
  }
}

describe('OpenAPI document: what the server does beyond each operation', () => {
  test('when operations are listed, then each has a description that adds to its summary', () => {
    const document = t.app.locals.openapi() as Record<string, any>;
    const missing: string[] = [];
    for (const [path, item] of Object.entries<Record<string, any>>(document.paths)) {
      for (const method of METHODS) {
        const operation = item[method];
        if (!operation) continue;
        const description = typeof operation.description === 'string' ? operation.description.trim() : '';
        if (description.length < 20 || description === operation.summary) {
          missing.push(`${method.toUpperCase()} ${path}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  test('when a documented path is asked with a method it does not take, then 405 with the Allow the document implies', async () => {
    const document = t.app.locals.openapi() as Record<string, any>;
    const allowHeader = document.components.responses['E405.METHOD_NOT_ALLOWED'].headers.Allow;
    expect(allowHeader).toMatchObject({ required: true });
    for (const [path, item] of Object.entries<Record<string, any>>(document.paths)) {
      const documented = METHODS.filter((method) => item[method]);
      for (const method of documented) {
        expect({ path, method, ref: item[method].responses['405'] }).toEqual({
          path,
          method,
          ref: { $ref: '#/components/responses/E405.METHOD_NOT_ALLOWED' },
        });
      }
      const other = METHODS.find((method) => !item[method])!;
      const expectedAllow = [
        ...documented.map((m) => m.toUpperCase()),
        ...(documented.includes('get') ? ['HEAD'] : []),
      ]
        .sort()
        .join(', ');
      const res = await t.http()[other](concretePath(path));
      expect({ path, other, status: res.status, allow: res.headers.allow }).toEqual({
        path,
        other,
        status: 405,
        allow: expectedAllow,
      });
      expect(res.body.code).toBe('METHOD_NOT_ALLOWED');
    }
  });

  test('when HEAD is sent to a GET operation, then it answers its status and headers without a body, as the document says', async () => {
    const document = t.app.locals.openapi() as Record<string, any>;
    expect(document.info.description).toMatch(/Every `GET` operation also answers `HEAD`/);
    for (const path of ['/health', '/api/billing/plans', '/api/openapi.json']) {
      const get = await t.http().get(path);
      const head = await t.http().head(path);
      expect({ path, status: head.status }).toEqual({ path, status: get.status });
      expect({ path, type: head.headers['content-type'] }).toEqual({
        path,
        type: get.headers['content-type'],
      });
      expect({ path, text: head.text ?? '' }).toEqual({ path, text: '' });
    }
  });

  test('when error responses are documented, then the rate-limit headers are on every one, 405 included, as the server sends them', async () => {
    const document = t.app.locals.openapi() as Record<string, any>;
    for (const [name, response] of Object.entries<Record<string, any>>(document.components.responses)) {
      const names = Object.keys(response.headers);
      expect({ name, limits: names.filter((h) => h.startsWith('RateLimit')) }).toEqual({
        name,
        limits: ['RateLimit', 'RateLimit-Policy'],
      });
    }
    expect(Object.keys(document.components.responses['E429.RATE_LIMITED'].headers)).toContain('Retry-After');

    // Every request under /api is counted before it is answered, so a refusal and the router's 405 carry them.
    const refused = await t.http().get('/api/billing/plans?unknown=1');
    expect(refused.status).toBe(400);
    expect(refused.headers.ratelimit).toMatch(/^"api"; r=\d+; t=\d+/);
    expect(refused.headers['ratelimit-policy']).toMatch(/^"api"; q=\d+; w=\d+/);
    const wrongMethod = await t.http().delete('/api/billing/plans');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.ratelimit).toMatch(/^"api"; r=\d+; t=\d+/);
  });

  test('when dates and ids are documented, then their formats are the ones the server parses', () => {
    const document = t.app.locals.openapi() as Record<string, any>;
    const dateOrDateTime = { anyOf: [{ format: 'date' }, { format: 'date-time' }] };
    for (const path of ['/api/analytics/summary', '/api/admin/analytics/summary']) {
      const parameters = document.paths[path].get.parameters as { name: string; schema: object }[];
      for (const name of ['from', 'to']) {
        expect(parameters.find((p) => p.name === name)?.schema).toMatchObject(dateOrDateTime);
      }
    }
    const events =
      document.paths['/api/analytics/events'].post.requestBody.content['application/json'].schema;
    expect(events.properties.events.items.properties.occurredAt).toMatchObject(dateOrDateTime);

    const id = document.paths['/api/projects/{id}'].get.parameters.find(
      (p: { name: string }) => p.name === 'id',
    );
    expect(id.schema).toMatchObject({ type: 'string', format: 'uuid', maxLength: 36 });
    for (const valid of ['00000000-0000-0000-0000-000000000000', '019B0F5E-8C3A-7D2E-9A41-3C5E7F9B1D20']) {
      expect(new RegExp(id.schema.pattern).test(valid)).toBe(true);
    }
  });

  test('when integers are documented, then each says int32 or int64', () => {
    const document = t.app.locals.openapi() as Record<string, any>;
    const bare = [...schemasIn(document)].filter(
      (schema) =>
        (schema.type === 'integer' || (Array.isArray(schema.type) && schema.type.includes('integer'))) &&
        !['int32', 'int64'].includes(schema.format),
    );
    expect(bare).toEqual([]);
    const page = document.paths['/api/projects'].get.parameters.find(
      (p: { name: string }) => p.name === 'page',
    );
    expect(page.schema.format).toBe('int32');
  });
});
