import Joi from 'joi';
import { email, newPassword } from '../auth/auth.schemas';

/** The `token` query parameter of a mailed link; anything that is not a live token is 400 INVALID_TOKEN. */
const mailToken = Joi.string()
  .min(1)
  .max(512)
  .description('The `token` parameter of the mailed link')
  .example('Jx3mQ0b2tZ9yH1cV8kLw4pR6sN5uE7aD2fG0hJ3kL9o');

export interface ForgotPasswordInput {
  email: string;
}

export const ForgotPasswordBody = Joi.object<ForgotPasswordInput, true>({
  email: email.required(),
});

export interface ResetPasswordInput {
  token: string;
  newPassword: string;
}

export const ResetPasswordBody = Joi.object<ResetPasswordInput, true>({
  token: mailToken.required(),
  newPassword: newPassword.required(),
});

export interface VerifyEmailInput {
  token: string;
}

export const VerifyEmailBody = Joi.object<VerifyEmailInput, true>({
  token: mailToken.required(),
});
