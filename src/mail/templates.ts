import { trimEndOf } from '../lib/text';

/** The name mail shows its reader. */
export const PRODUCT_NAME = 'ColorBook';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** `APP_URL/<page>?token=…`, keeping any path APP_URL has (`https://example.com/app`). */
export function appLink(appUrl: string, page: string, token: string): string {
  const url = new URL(page.replace(/^\/+/, ''), `${trimEndOf(appUrl, '/')}/`);
  url.searchParams.set('token', token);
  return url.toString();
}

/**
 * `3600` → "1 hour", `86400` → "24 hours", `604800` → "7 days" (whole days from 2 on), `90` → "2 minutes"
 * (rounded up: never promise more).
 */
export function lifetimeText(seconds: number): string {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (seconds >= 2 * 86400 && seconds % 86400 === 0) return plural(seconds / 86400, 'day');
  if (seconds % 3600 === 0) return plural(seconds / 3600, 'hour');
  return plural(Math.ceil(seconds / 60), 'minute');
}

function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

interface Layout {
  subject: string;
  /** Paragraphs before the button. */
  intro: string[];
  action: string;
  link: string;
  /** Paragraphs after the link. */
  outro: string[];
}

/**
 * Renders both parts from the same words. Nothing a user typed (display name, …) goes into these mails:
 * a verification mail can reach someone who never signed up, and must not carry a stranger's text.
 */
function render(layout: Layout): RenderedMail {
  const text = [
    ...layout.intro,
    `${layout.action}:\n${layout.link}`,
    ...layout.outro,
    `— ${PRODUCT_NAME}`,
  ].join('\n\n');
  const paragraph = (p: string) => `<p style="margin:0 0 16px">${escapeHtml(p)}</p>`;
  const link = escapeHtml(layout.link);
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(layout.subject)}</title></head>
<body style="margin:0;padding:24px;background:#f6f6f6;font-family:Arial,Helvetica,sans-serif;color:#222;line-height:1.5">
<div style="max-width:520px;margin:0 auto;background:#fff;border-radius:8px;padding:32px">
<h1 style="margin:0 0 24px;font-size:20px">${escapeHtml(PRODUCT_NAME)}</h1>
${layout.intro.map(paragraph).join('\n')}
<p style="margin:24px 0"><a href="${link}" style="display:inline-block;background:#5b3cc4;color:#fff;text-decoration:none;padding:12px 20px;border-radius:6px;font-weight:bold">${escapeHtml(layout.action)}</a></p>
<p style="margin:0 0 16px;font-size:13px;color:#555">If the button does not work, copy this address into your browser:<br><a href="${link}" style="color:#5b3cc4;word-break:break-all">${link}</a></p>
${layout.outro.map(paragraph).join('\n')}
</div>
</body>
</html>
`;
  return { subject: layout.subject, text: `${text}\n`, html };
}

export function passwordResetMail(input: { link: string; ttlSeconds: number }): RenderedMail {
  const lifetime = lifetimeText(input.ttlSeconds);
  return render({
    subject: `Reset your ${PRODUCT_NAME} password`,
    intro: [
      'Hello,',
      `Someone asked to reset the password of the ${PRODUCT_NAME} account that uses this email address.`,
    ],
    action: 'Choose a new password',
    link: input.link,
    outro: [
      `The link works once, for ${lifetime}. Asking again sends a new link and the older one stops working.`,
      'If you did not ask for this, ignore this email: your password stays as it is.',
    ],
  });
}

export function emailVerificationMail(input: { link: string; ttlSeconds: number }): RenderedMail {
  const lifetime = lifetimeText(input.ttlSeconds);
  return render({
    subject: `Confirm your email address for ${PRODUCT_NAME}`,
    intro: ['Hello,', `Please confirm that this email address belongs to your ${PRODUCT_NAME} account.`],
    action: 'Confirm my email address',
    link: input.link,
    outro: [
      `The link works once, for ${lifetime}.`,
      `If you did not create a ${PRODUCT_NAME} account, ignore this email.`,
    ],
  });
}

/**
 * An invitation to a shared project. Like the others it carries nothing a user typed (no project title, no
 * inviter's name): the address is whatever the inviter entered, so the mail may reach a stranger.
 */
export function projectInvitationMail(input: {
  link: string;
  ttlSeconds: number;
  role: 'editor' | 'viewer';
}): RenderedMail {
  const lifetime = lifetimeText(input.ttlSeconds);
  const what = input.role === 'editor' ? 'view and edit' : 'view';
  return render({
    subject: `You are invited to a ${PRODUCT_NAME} project`,
    intro: [
      'Hello,',
      `A ${PRODUCT_NAME} user invited this email address to ${what} one of their projects, as ${
        input.role === 'editor' ? 'an editor' : 'a viewer'
      }. Accepting needs a ${PRODUCT_NAME} account: sign in (or sign up) after following the link.`,
    ],
    action: 'Accept the invitation',
    link: input.link,
    outro: [
      `The link works once, for ${lifetime}. A newer invitation to the same project replaces it.`,
      'If you do not know the sender, ignore this email: nothing is shared until the link is used.',
    ],
  });
}
