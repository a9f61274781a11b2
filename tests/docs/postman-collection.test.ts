import { FLOW } from '../../scripts/postman-flow';
import { buildPostmanCollection, SMOKE_FOLDER } from '../../scripts/postman';
import { useTestApp } from '../helpers/app';

/**
 * The Postman collection's wiring, checked without a newman run (CI's `npm run test:postman` runs it): every
 * operation of the document is a step of a module folder, and each folder reads only variables it saved
 * itself, so it passes alone as well as in the whole run.
 */
const t = useTestApp();

type Json = Record<string, any>;
let document: Json;
let collection: Json;

beforeAll(async () => {
  document = (await t.http().get('/api/openapi.json').expect(200)).body;
  collection = await buildPostmanCollection(document);
}, 60_000);

/** Set by the collection's own scripts (the token pair) or given by whoever runs it. */
const PROVIDED = new Set(['baseUrl', 'password', 'accessToken', 'refreshToken', 'accessTokenExpiresAt']);

const scriptOf = (item: Json, listen: 'prerequest' | 'test'): string =>
  ((item.event ?? []) as Json[])
    .filter((event) => event.listen === listen)
    .flatMap((event) => event.script.exec as string[])
    .join('\n');

const setsIn = (source: string) =>
  [...source.matchAll(/pm\.collectionVariables\.set\('(\w+)'/g)].map((match) => match[1]);

describe('the Postman collection', () => {
  test('when the collection is generated, then every operation of the document is a step of a module folder', () => {
    const operations = Object.entries<Json>(document.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((method) => ['get', 'put', 'post', 'delete', 'patch'].includes(method))
        .map((method) => `${method.toUpperCase()} ${path}`),
    );
    const wired = new Set(FLOW.flatMap((folder) => folder.steps.map((step) => step.op)));
    expect(operations.filter((operation) => !wired.has(operation))).toEqual([]);
    expect(collection.item.map((folder: Json) => folder.name)).toEqual([
      SMOKE_FOLDER,
      ...FLOW.map((folder) => folder.name),
    ]);
  });

  test('when a module folder runs alone, then every variable its requests read was saved by an earlier step of it', () => {
    const unsaved: string[] = [];
    for (const folder of collection.item.slice(1) as Json[]) {
      const saved = new Set(PROVIDED);
      for (const item of folder.item as Json[]) {
        setsIn(scriptOf(item, 'prerequest')).forEach((name) => saved.add(name));
        for (const [, name] of JSON.stringify(item.request).matchAll(/\{\{(\w+)\}\}/g)) {
          if (!saved.has(name)) unsaved.push(`${folder.name} › ${item.name}: {{${name}}}`);
        }
        setsIn(scriptOf(item, 'test')).forEach((name) => saved.add(name));
      }
    }
    expect(unsaved).toEqual([]);
  });

  test('when a module request runs, then it asserts its status, and it sends no id the converter made up', () => {
    for (const folder of collection.item.slice(1) as Json[]) {
      expect(folder.item.length).toBeGreaterThan(0);
      for (const item of folder.item as Json[]) {
        expect({ name: item.name, test: scriptOf(item, 'test') }).toEqual({
          name: item.name,
          test: expect.stringMatching(/pm\.test\('answers \d{3}/),
        });
        for (const variable of item.request.url.variable as Json[]) {
          expect({ name: item.name, value: variable.value }).toEqual({
            name: item.name,
            // A saved id, or a literal of the flow (`openai`, version `1`): never a generated uuid or number.
            value: expect.stringMatching(/^(\{\{\w+\}\}|[a-z]+|\d{1,3})$/),
          });
        }
      }
    }
  });
});
