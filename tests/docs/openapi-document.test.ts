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

  test('when an error response is documented, then it is problem+json with a Problem schema and examples', () => {
    const document = t.app.locals.openapi() as Record<string, any>;
    for (const [name, response] of Object.entries<Record<string, any>>(document.components.responses)) {
      const content = response.content['application/problem+json'];
      expect({ name, schema: content.schema }).toEqual({
        name,
        schema: { $ref: '#/components/schemas/Problem' },
      });
      const examples = Object.values<{ value: { status: number; code: string } }>(content.examples);
      expect({ name, count: examples.length > 0 }).toEqual({ name, count: true });
      for (const example of examples) expect(`E${example.value.status}`).toBe(name);
    }
  });
});
