import type Joi from 'joi';
import { validationError, type FieldError } from './errors';

const OPTIONS: Joi.ValidationOptions = {
  abortEarly: false,
  convert: true,
  // Unknown keys are errors everywhere: a typo or a field the client may not set never passes silently.
  allowUnknown: false,
  stripUnknown: false,
  errors: { wrap: { label: '"' } },
};

function toFieldErrors(error: Joi.ValidationError, prefix?: string): FieldError[] {
  return error.details.map((d) => {
    const path = d.path.map(String).join('.');
    return {
      path: prefix && !path ? prefix : path,
      // The detail reads '"email" must be a valid email'; the field entry drops the label.
      message: d.message.replace(/^"[^"]*" /, ''),
    };
  });
}

/** Validates one part of a request; a failure is a 400 VALIDATION_ERROR listing every field. */
export function validatePart<T>(schema: Joi.Schema, value: unknown, part: 'params' | 'query' | 'body'): T {
  const result = schema.validate(value, OPTIONS);
  if (result.error) {
    const errors = toFieldErrors(result.error, part);
    const detail = result.error.details.map((d) => d.message).join('; ');
    throw validationError(part === 'body' ? detail : `${part}: ${detail}`, errors);
  }
  return result.value as T;
}
