import Joi from 'joi';
import { openApiKeywords } from '../../http/schemas';
import { MAX_PASSWORD_BYTES, MIN_PASSWORD_CHARS } from '../../lib/passwords';

/** The same rule as registration's `newPassword` (auth.schemas), without its OpenAPI example. */
const newPassword = Joi.string()
  .min(MIN_PASSWORD_CHARS)
  .custom((value: string, helpers) =>
    Buffer.byteLength(value, 'utf8') > MAX_PASSWORD_BYTES ? helpers.error('password.bytes') : value,
  )
  .messages({ 'password.bytes': `{{#label}} must be at most ${MAX_PASSWORD_BYTES} bytes in UTF-8` })
  // A character is at least one byte: no valid password is longer than the byte limit in characters.
  .meta(openApiKeywords({ maxLength: MAX_PASSWORD_BYTES }))
  .description(`${MIN_PASSWORD_CHARS}+ characters, at most ${MAX_PASSWORD_BYTES} bytes of UTF-8`);

export interface ChangePasswordInput {
  currentPassword: string;
  newPassword: string;
}

export const ChangePasswordBody = Joi.object<ChangePasswordInput, true>({
  // Any length: a wrong one is a 403, never a hint about the rules.
  currentPassword: Joi.string().min(1).max(1024).required(),
  newPassword: newPassword.required(),
});

export interface DeleteMeInput {
  password: string;
}

export const DeleteMeBody = Joi.object<DeleteMeInput, true>({
  password: Joi.string().min(1).max(1024).required(),
});
