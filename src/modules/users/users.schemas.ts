import Joi from 'joi';
import { component, jsonObject, timestamp, uuid } from '../../http/schemas';

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

export interface UpdateMeInput {
  displayName?: string | null;
  settings?: Record<string, unknown>;
}

export const UpdateMeBody = Joi.object<UpdateMeInput, true>({
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
