import Joi from 'joi';
import { component, openApiKeywords, timestamp, uuid } from '../../http/schemas';
import { MAX_PASSWORD_BYTES, MIN_PASSWORD_CHARS } from '../../lib/passwords';
import { UserSchema } from '../users/users.schemas';

export const email = Joi.string().trim().max(254).email({ tlds: false }).example('ada@example.com');

/** At least 8 characters and at most 72 bytes of UTF-8 (bcrypt's input limit), never truncated. */
export const newPassword = Joi.string()
  .min(MIN_PASSWORD_CHARS)
  .custom((value: string, helpers) =>
    Buffer.byteLength(value, 'utf8') > MAX_PASSWORD_BYTES ? helpers.error('password.bytes') : value,
  )
  .messages({ 'password.bytes': `{{#label}} must be at most ${MAX_PASSWORD_BYTES} bytes in UTF-8` })
  // A character is at least one byte: no valid password is longer than the byte limit in characters.
  .meta(openApiKeywords({ maxLength: MAX_PASSWORD_BYTES }))
  .description(`${MIN_PASSWORD_CHARS}+ characters, at most ${MAX_PASSWORD_BYTES} bytes of UTF-8`)
  .example('correct horse battery');

export const displayName = Joi.string().trim().min(1).max(100);

export interface RegisterInput {
  email: string;
  password: string;
  displayName?: string;
}

export const RegisterBody = Joi.object<RegisterInput, true>({
  email: email.required(),
  password: newPassword.required(),
  displayName: displayName.optional(),
});

export interface LoginInput {
  email: string;
  password: string;
}

export const LoginBody = Joi.object<LoginInput, true>({
  email: email.required(),
  // Any length is accepted here: a wrong password is a 401, never a hint about the rules.
  password: Joi.string().min(1).max(1024).required(),
});

export interface RefreshTokenInput {
  refreshToken: string;
}

export const RefreshTokenBody = Joi.object<RefreshTokenInput, true>({
  refreshToken: Joi.string().min(1).max(512).required(),
});

export const AuthResultSchema = component(
  'AuthResult',
  Joi.object({
    user: UserSchema.required(),
    accessToken: Joi.string().required(),
    refreshToken: Joi.string().required(),
    tokenType: Joi.string().valid('Bearer').required(),
    expiresIn: Joi.number().integer().required().description('Seconds until the access token expires'),
  }),
);

export const SessionSchema = component(
  'Session',
  Joi.object({
    id: uuid.required(),
    createdAt: timestamp.required(),
    lastUsedAt: timestamp.required(),
    userAgent: Joi.string().allow(null).required(),
    ip: Joi.string().allow(null).required(),
    current: Joi.boolean().required().description('Whether this is the session of the access token used'),
  }),
);
