import path from 'node:path';
import ts from 'typescript';

/**
 * The types `defineRoute` gives a handler (docs/ARCHITECTURE.md, "Route inputs are typed"): each case is a
 * small module compiled by tsc, in memory, next to this file, with the project's compiler options. A
 * guarantee that only showed in `npm run typecheck` on real routes would rot unseen the day it stopped
 * holding; here each one is a case that fails when it does.
 */

const HERE = __dirname;
const ROOT = path.resolve(HERE, '../..');

const HEADER = `
import Joi from 'joi';
import { defineRoute } from '../../src/http/route';
import { idParams, inputObject, pageQuery } from '../../src/http/schemas';
const base = { method: 'get' as const, path: '/t', tags: ['T'], summary: 'T', auth: 'none' as const, response: { status: 200 } };
`;

const CASES = {
  typedRoute: `
    interface Input { title: string; tags?: string[] }
    const Body = Joi.object<Input, true>({ title: Joi.string().required(), tags: Joi.array().items(Joi.string()) });
    export const route = defineRoute({
      ...base,
      params: idParams,
      query: pageQuery,
      body: Body,
      handler: async ({ params, query, body }) => {
        const id: string = params.id;
        const page: number = query.page;
        const title: string = body.title;
        return { body: { id, page, title, tags: body.tags } };
      },
    });`,
  unknownParam: `
    export const route = defineRoute({
      ...base,
      params: idParams,
      handler: async ({ params }) => ({ body: params.projectId }),
    });`,
  unknownBodyField: `
    const Body = Joi.object<{ title: string }, true>({ title: Joi.string().required() });
    export const route = defineRoute({ ...base, body: Body, handler: async ({ body }) => ({ body: body.name }) });`,
  paramsWithoutSchema: `
    export const route = defineRoute({ ...base, handler: async ({ params }) => ({ body: params.id }) });`,
  queryWithoutSchema: `
    export const route = defineRoute({ ...base, handler: async ({ query }) => ({ body: query.page }) });`,
  bodyWithoutSchema: `
    export const route = defineRoute({ ...base, handler: async ({ body }) => ({ body: body.title }) });`,
  wrongFieldType: `
    export const route = defineRoute({
      ...base,
      query: pageQuery,
      handler: async ({ query }) => {
        const page: string = query.page;
        return { body: page };
      },
    });`,
  untypedSchema: `
    export const route = defineRoute({
      ...base,
      body: Joi.object({ title: Joi.string() }),
      handler: async () => ({ body: null }),
    });`,
  schemaMissingAKey: `
    export const Body = Joi.object<{ title: string; tags?: string[] }, true>({ title: Joi.string().required() });`,
  schemaWithAnExtraKey: `
    export const Body = Joi.object<{ title: string }, true>({ title: Joi.string(), tags: Joi.array() });`,
  schemaOfAnotherKind: `
    export const Body = Joi.object<{ page: number }, true>({ page: Joi.string() });`,
  inputObjectMissingAKey: `
    export const Query = inputObject<{ from?: Date; to?: Date }>({ from: Joi.string() });`,
  inputObjectWithAnExtraKey: `
    export const Query = inputObject<{ from?: Date }>({ from: Joi.string(), to: Joi.string() });`,
} as const;

type CaseName = keyof typeof CASES;

function compilerOptions(): ts.CompilerOptions {
  const file = ts.findConfigFile(ROOT, ts.sys.fileExists, 'tsconfig.json') as string;
  const { config } = ts.readConfigFile(file, ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, ROOT);
  return { ...options, noEmit: true, incremental: false, tsBuildInfoFile: undefined };
}

/** Each case's diagnostics, from one program (the shared types are checked once). */
function compileCases(): Record<CaseName, readonly ts.Diagnostic[]> {
  const names = Object.keys(CASES) as CaseName[];
  const fileOf = (name: CaseName) => path.join(HERE, `__route-types-${name}.ts`);
  const sources = new Map(names.map((name) => [fileOf(name), HEADER + CASES[name]]));
  const options = compilerOptions();
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (file) => sources.has(file) || fileExists.call(host, file);
  host.readFile = (file) => sources.get(file) ?? readFile.call(host, file);
  host.getSourceFile = (file, language, ...rest) => {
    const text = sources.get(path.resolve(file));
    return text !== undefined
      ? ts.createSourceFile(file, text, language, true)
      : getSourceFile.call(host, file, language, ...rest);
  };
  const program = ts.createProgram([...sources.keys()], options, host);
  return Object.fromEntries(
    names.map((name) => [name, ts.getPreEmitDiagnostics(program, program.getSourceFile(fileOf(name)))]),
  ) as Record<CaseName, readonly ts.Diagnostic[]>;
}

const text = (diagnostics: readonly ts.Diagnostic[]) =>
  diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')).join('\n');

describe('typed route inputs (tsc)', () => {
  let results: Record<CaseName, readonly ts.Diagnostic[]>;
  beforeAll(() => {
    results = compileCases();
  }, 120_000);

  test('when a handler reads what its typed schemas declare, then it compiles', () => {
    expect(text(results.typedRoute)).toBe('');
  });

  test.each([
    ['unknownParam', /Property 'projectId' does not exist/],
    ['unknownBodyField', /Property 'name' does not exist/],
    ['paramsWithoutSchema', /Property 'id' does not exist on type 'NoInput'/],
    ['queryWithoutSchema', /Property 'page' does not exist on type 'NoInput'/],
    ['bodyWithoutSchema', /'body' is of type 'unknown'/],
    ['wrongFieldType', /Type 'number' is not assignable to type 'string'/],
  ] as Array<[CaseName, RegExp]>)(
    'when a handler reads what its schemas do not declare (%s), then tsc fails',
    (name, message) => {
      expect(text(results[name])).toMatch(message);
      expect(results[name]).toHaveLength(1);
    },
  );

  test('when a route schema is a bare Joi.object (typed any), then tsc fails and names the fix', () => {
    expect(text(results.untypedSchema)).toMatch(/Route inputs are typed/);
    expect(results.untypedSchema).toHaveLength(1);
  });

  test.each([
    ['schemaMissingAKey', /Property 'tags' is missing/],
    ['schemaWithAnExtraKey', /'tags' does not exist in type/],
    ['schemaOfAnotherKind', /from type 'NumberSchema<number>'/],
    ['inputObjectMissingAKey', /Property 'to' is missing/],
    ['inputObjectWithAnExtraKey', /'to' does not exist in type/],
  ] as Array<[CaseName, RegExp]>)(
    'when a schema and its declared type disagree (%s), then tsc fails',
    (name, message) => {
      expect(text(results[name])).toMatch(message);
      expect(results[name]).toHaveLength(1);
    },
  );
});
