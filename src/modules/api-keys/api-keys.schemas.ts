import Joi from 'joi';
import { component, openApiKeywords, pageQuery, timestamp } from '../../http/schemas';

export const PROVIDER_PATTERN = /^[a-z0-9-]{2,32}$/;

export interface ProviderParamsInput {
  provider: string;
}

export const ProviderParams = Joi.object<ProviderParamsInput, true>({
  provider: Joi.string()
    .pattern(PROVIDER_PATTERN)
    .required()
    .description('The AI service, e.g. `openai`: 2..32 of a-z, 0-9 and -')
    .meta(openApiKeywords({ maxLength: 32 }))
    .messages({ 'string.pattern.base': '{{#label}} must be 2..32 characters of a-z, 0-9 and -' }),
});

export const ListApiKeysQuery = pageQuery;

export interface PutApiKeyInput {
  key: string;
  label?: string | null;
}

export const PutApiKeyBody = Joi.object<PutApiKeyInput, true>({
  key: Joi.string()
    .trim()
    .min(8)
    .max(512)
    .required()
    .description('The secret itself (8..512 characters); stored encrypted, never logged'),
  label: Joi.string()
    .trim()
    .min(1)
    .max(100)
    .allow(null)
    .description('A name for the key (1..100 characters)'),
});

const masked = {
  provider: Joi.string().pattern(PROVIDER_PATTERN).required(),
  label: Joi.string().allow(null).required(),
  last4: Joi.string().max(4).required().description('The last four characters of the key'),
  createdAt: timestamp.required(),
  updatedAt: timestamp.required(),
  lastUsedAt: timestamp.allow(null).required().description('When the key was last read in plaintext'),
};

export const ApiKeySchema = component('ApiKey', Joi.object(masked).description('A stored key, masked'));

export const ApiKeySecretSchema = component(
  'ApiKeySecret',
  Joi.object({ ...masked, key: Joi.string().required().description('The plaintext key') }),
);
