import Joi from 'joi';
import { component, jsonObject, openApiKeywords, timestamp, uuid } from '../../http/schemas';
import { MAX_PASSWORD_BYTES, MIN_PASSWORD_CHARS } from '../../lib/passwords';

export const UserSchema = component(
  'User',
  Joi.object({
    id: uuid.required(),
    email: Joi.string().email({ tlds: false }).required(),
    emailVerified: Joi.boolean().required(),
    displayName: Joi.string().allow(null).required(),
    settings: Joi.object()
      .unknown(true)
      .required()
      .description("The SPA's preferences (free JSON, at most 16 KB)"),
    role: Joi.string().valid('user', 'admin').required(),
    plan: Joi.string().valid('free', 'pro', 'enterprise').required(),
    subscriptionStatus: Joi.string().required(),
    storageUsedBytes: Joi.number().integer().min(0).required(),
    storageLimitBytes: Joi.number().integer().min(0).required(),
    createdAt: timestamp.required(),
    updatedAt: timestamp.required(),
  }),
);

/** The SPA's preferences: free JSON, at most 16 KB, replaced whole. */
export const SETTINGS_MAX_BYTES = 16 * 1024;

export const UpdateMeBody = Joi.object({
  displayName: Joi.string()
    .trim()
    .min(1)
    .max(100)
    .allow(null)
    .description('1..100 characters; null clears it'),
  settings: jsonObject(SETTINGS_MAX_BYTES).description(
    "The SPA's preferences (free JSON, at most 16 KB), replaced whole",
  ),
})
  .min(1)
  .messages({ 'object.min': 'the body must name at least one of displayName, settings' });

/** The same rule as registration (auth.schemas imports this file, so it is not imported from there). */
const newPassword = Joi.string()
  .min(MIN_PASSWORD_CHARS)
  .custom((value: string, helpers) =>
    Buffer.byteLength(value, 'utf8') > MAX_PASSWORD_BYTES ? helpers.error('password.bytes') : value,
  )
  .messages({ 'password.bytes': `{{#label}} must be at most ${MAX_PASSWORD_BYTES} bytes in UTF-8` })
  // A character is at least one byte: no valid password is longer than the byte limit in characters.
  .meta(openApiKeywords({ maxLength: MAX_PASSWORD_BYTES }))
  .description(`${MIN_PASSWORD_CHARS}+ characters, at most ${MAX_PASSWORD_BYTES} bytes of UTF-8`);

export const ChangePasswordBody = Joi.object({
  // Any length: a wrong one is a 403, never a hint about the rules.
  currentPassword: Joi.string().min(1).max(1024).required(),
  newPassword: newPassword.required(),
});

export const DeleteMeBody = Joi.object({
  password: Joi.string().min(1).max(1024).required(),
});
