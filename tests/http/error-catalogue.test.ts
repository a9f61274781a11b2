/**
 * The catalogue of error codes (src/http/error-codes.ts, ADR 0017) against what uses it: the code the
 * source throws, the OpenAPI document, docs/errors.md and the answers the API really gives.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Response } from 'supertest';
import { ALL_ERROR_CODES, ERROR_CODES, errorCodeTable, type ErrorCode } from '../../src/http/error-codes';
import { AppError, appError } from '../../src/http/errors';
import { openApiPath } from '../../src/http/openapi';
import { useTestApp } from '../helpers/app';
import { createProject, createUser } from '../helpers/factories';

const t = useTestApp();
const root = path.resolve(__dirname, '../..');

/** Codes of the contract that no code throws yet: drop each once it is. */
const NOT_THROWN_YET: ErrorCode[] = [];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(full) : entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** The codes src/ builds errors with: `appError('X'`, `new AppError(…, 'X'` and the parser's refusals. */
function codesInSource(): Set<string> {
  const codes = new Set<string>();
  for (const file of sourceFiles(path.join(root, 'src'))) {
    // Comments left out: they may name a code as an example.
    const text = fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line))
      .join('\n');
    for (const match of text.matchAll(/(?:appError\(|new AppError\(\s*(?:\d+,\s*)?)\s*'([A-Z_]+)'/g)) {
      codes.add(match[1]);
    }
    // Another library's status mapped to a code (error-handler.ts's EXPOSED_4XX), route `errors` lists.
    for (const match of text.matchAll(/^\s+\d{3}: '([A-Z_]+)',$/gm)) codes.add(match[1]);
  }
  return codes;
}

/** The codes the document lists for an operation's status (its `x-error-codes`). */
function documentedCodes(method: string, route: string, status: number): string[] {
  const document = t.app.locals.openapi() as Record<string, any>;
  const response = document.paths[openApiPath(route)]?.[method]?.responses?.[String(status)];
  if (!response) return [];
  const name = String(response.$ref).replace('#/components/responses/', '');
  return document.components.responses[name]['x-error-codes'];
}

/** The answer carries `code` with the catalogue's status, and the operation's document lists it. */
function expectDocumented(res: Response, method: string, route: string, code: ErrorCode) {
  expect({ status: res.status, code: res.body.code }).toEqual({ status: ERROR_CODES[code].status, code });
  expect({ route, codes: documentedCodes(method, route, res.status) }).toEqual({
    route,
    codes: expect.arrayContaining([code]),
  });
}

describe('the error-code catalogue', () => {
  test('when src/ builds an error, then its code is in the catalogue, and every catalogue code is built somewhere', () => {
    const used = codesInSource();
    expect([...used].filter((code) => !(code in ERROR_CODES))).toEqual([]);
    expect(ALL_ERROR_CODES.filter((code) => !used.has(code))).toEqual(NOT_THROWN_YET);
  });

  test('when an error is built from a code, then its status is the catalogue’s, in either constructor form', () => {
    for (const code of ALL_ERROR_CODES) {
      expect({ code, status: appError(code).status }).toEqual({ code, status: ERROR_CODES[code].status });
    }
    const older = new AppError(409, 'ALREADY_MEMBER', 'Ada is already a member');
    expect({ status: older.status, code: older.code, detail: older.message }).toEqual({
      status: 409,
      code: 'ALREADY_MEMBER',
      detail: 'Ada is already a member',
    });
    // @ts-expect-error: a status the catalogue does not give the code does not compile.
    expect(new AppError(400, 'ALREADY_MEMBER').status).toBe(409);
  });

  test('when the OpenAPI document is built, then its components list every catalogue code, and each error response only codes of its status', () => {
    const document = t.app.locals.openapi() as Record<string, any>;
    expect(document.components.schemas.ErrorCode.enum).toEqual(ALL_ERROR_CODES);
    expect(document.components.schemas.Problem.properties.code).toEqual({
      $ref: '#/components/schemas/ErrorCode',
    });
    for (const code of ALL_ERROR_CODES)
      expect(document.components.schemas.ErrorCode.description).toContain(code);
    for (const [name, response] of Object.entries<Record<string, any>>(document.components.responses)) {
      const status = Number(name.split('.')[0].slice(1));
      for (const code of response['x-error-codes'] as ErrorCode[]) {
        expect({ name, code, status: ERROR_CODES[code].status }).toEqual({ name, code, status });
        expect(response.description).toContain(`\`${code}\``);
      }
    }
  });

  test('when docs/errors.md lists the codes, then its table is the catalogue’s', () => {
    const doc = fs.readFileSync(path.join(root, 'docs/errors.md'), 'utf8');
    const table = doc.match(/^\| Code \|[^\n]*\n(?:\|[^\n]*\n?)+/m)?.[0].trim();
    expect(table).toBe(errorCodeTable());
  });
});

describe('the codes each operation documents are the ones it answers', () => {
  test('when register, login and refresh are refused, then their codes are documented', async () => {
    const user = await createUser(t);
    expectDocumented(
      await t.http().post('/api/auth/register').send({ email: user.email, password: 'another password 1' }),
      'post',
      '/api/auth/register',
      'EMAIL_TAKEN',
    );
    expectDocumented(
      await t.http().post('/api/auth/login').send({ email: user.email, password: 'wrong password 12' }),
      'post',
      '/api/auth/login',
      'INVALID_CREDENTIALS',
    );
    expectDocumented(
      await t.http().post('/api/auth/login').set('Content-Type', 'application/json').send('{"email":'),
      'post',
      '/api/auth/login',
      'INVALID_JSON',
    );
    expectDocumented(
      await t
        .http()
        .post('/api/auth/refresh')
        .send({ refreshToken: 'x'.repeat(40) }),
      'post',
      '/api/auth/refresh',
      'UNAUTHENTICATED',
    );
    expectDocumented(
      await t
        .http()
        .post('/api/auth/password/reset')
        .send({ token: 'x'.repeat(40), newPassword: 'a new password 1' }),
      'post',
      '/api/auth/password/reset',
      'INVALID_TOKEN',
    );
  });

  test('when a project is asked wrongly, then 401, 404, 412, 422, 403 and 400 are the documented codes', async () => {
    const user = await createUser(t);
    const project = await createProject(t, user);
    expectDocumented(await t.http().get('/api/projects'), 'get', '/api/projects', 'UNAUTHENTICATED');
    expectDocumented(
      await t.http().get('/api/projects/00000000-0000-0000-0000-000000000000').set(user.auth),
      'get',
      '/api/projects/:id',
      'NOT_FOUND',
    );
    expectDocumented(
      await t
        .http()
        .put(`/api/projects/${project.id}`)
        .set(user.auth)
        .set('If-Match', '"99"')
        .send({ title: 'x' }),
      'put',
      '/api/projects/:id',
      'VERSION_CONFLICT',
    );
    const key = { 'Idempotency-Key': 'catalogue-1' };
    expect((await t.http().post('/api/projects').set(user.auth).set(key).send({ title: 'One' })).status).toBe(
      201,
    );
    expectDocumented(
      await t.http().post('/api/projects').set(user.auth).set(key).send({ title: 'Two' }),
      'post',
      '/api/projects',
      'IDEMPOTENCY_KEY_REUSED',
    );
    expectDocumented(
      await t.http().post(`/api/projects/${project.id}/export`).set(user.auth).send({ format: 'pdf' }),
      'post',
      '/api/projects/:id/export',
      'EMPTY_PROJECT',
    );
    expectDocumented(
      await t.http().post('/api/users/me/password').set(user.auth).send({
        currentPassword: 'not the password',
        newPassword: 'a brand new password',
      }),
      'post',
      '/api/users/me/password',
      'INVALID_PASSWORD',
    );
  });

  test('when billing is not configured, then checkout answers the documented BILLING_DISABLED', async () => {
    const user = await createUser(t);
    expectDocumented(
      await t.http().post('/api/billing/checkout').set(user.auth).send({ plan: 'pro', interval: 'month' }),
      'post',
      '/api/billing/checkout',
      'BILLING_DISABLED',
    );
  });

  test('when a path is asked with another method, then the documented METHOD_NOT_ALLOWED', async () => {
    expectDocumented(
      await t.http().delete('/api/auth/login'),
      'post',
      '/api/auth/login',
      'METHOD_NOT_ALLOWED',
    );
  });
});

describe("another library's exposed 4xx (send, behind the docs page's assets)", () => {
  const asset = '/api/docs/assets/swagger-ui.css';

  test('when a Range is outside the asset, then 416 RANGE_NOT_SATISFIABLE, not a VALIDATION_ERROR', async () => {
    const res = await t.http().get(asset).set('Range', 'bytes=999999999-');
    expect({ status: res.status, code: res.body.code }).toEqual({
      status: 416,
      code: 'RANGE_NOT_SATISFIABLE',
    });
  });

  test('when If-Match does not hold, then 412 PRECONDITION_FAILED, not a VALIDATION_ERROR', async () => {
    const res = await t.http().get(asset).set('If-Match', '"not-the-etag"');
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 412, code: 'PRECONDITION_FAILED' });
  });
});
