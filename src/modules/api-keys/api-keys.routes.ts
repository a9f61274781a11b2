import type { AppContext, RouteModule } from '../../context';
import { defineRoute } from '../../http/route';
import { listOf, page } from '../../http/schemas';
import {
  ApiKeySchema,
  ApiKeySecretSchema,
  ListApiKeysQuery,
  ProviderParams,
  PutApiKeyBody,
} from './api-keys.schemas';
import * as apiKeys from './api-keys.service';

const tags = ['API keys'];

export const apiKeyRoutes: RouteModule = (ctx: AppContext) => [
  defineRoute({
    method: 'get',
    path: '/api/api-keys',
    tags,
    summary: "The caller's stored AI-provider keys, masked",
    description: 'Ordered by provider. Only the last four characters of each key are shown.',
    auth: 'required',
    query: ListApiKeysQuery,
    response: { status: 200, schema: listOf(ApiKeySchema) },
    handler: async ({ userId, query }) => {
      const { rows, total } = await apiKeys.listApiKeys(ctx, userId, query);
      return { body: page(rows, total, query.page, query.limit) };
    },
  }),
  defineRoute({
    method: 'put',
    path: '/api/api-keys/:provider',
    tags,
    summary: "Store or replace the caller's key for a provider",
    description:
      'Encrypted at rest (AES-256-GCM, bound to the owner). 201 with `Location` when created, 200 when an ' +
      'existing key was replaced. A PUT replaces the whole entry: a `label` left out becomes null.',
    auth: 'required',
    params: ProviderParams,
    body: PutApiKeyBody,
    response: {
      status: 201,
      schema: ApiKeySchema,
      description: 'Created (`Location: /api/api-keys/{provider}`)',
    },
    otherResponses: [{ status: 200, schema: ApiKeySchema, description: 'An existing key was replaced' }],
    handler: async ({ userId, params, body }) => {
      const { apiKey, created } = await apiKeys.putApiKey(ctx, userId, params.provider, body);
      return created
        ? { status: 201, headers: { Location: `/api/api-keys/${apiKey.provider}` }, body: apiKey }
        : { status: 200, body: apiKey };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/api-keys/:provider',
    tags,
    summary: "The caller's key for a provider, in plaintext",
    description:
      'Answers `Cache-Control: private, no-store` (as every authenticated answer does) and sets `lastUsedAt`. A stored key that no longer decrypts ' +
      '(tampered with, or its master key was removed) answers 409 `KEY_UNREADABLE`: store it again.',
    auth: 'required',
    params: ProviderParams,
    response: { status: 200, schema: ApiKeySecretSchema },
    errors: ['KEY_UNREADABLE'],
    handler: async ({ userId, params }) => ({
      body: await apiKeys.revealApiKey(ctx, userId, params.provider),
    }),
  }),
  defineRoute({
    method: 'delete',
    path: '/api/api-keys/:provider',
    tags,
    summary: "Delete the caller's key for a provider",
    description:
      'The encrypted key is deleted for good; a new one can be stored with PUT. No key for that provider ' +
      '→ 404.',
    auth: 'required',
    params: ProviderParams,
    response: { status: 204, description: 'Deleted' },
    handler: async ({ userId, params }) => {
      await apiKeys.deleteApiKey(ctx, userId, params.provider);
      return { status: 204 };
    },
  }),
];
