/** The collaborator limits per plan come from configuration (docs/collaboration.md). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';
import { TEST_ENV } from '../helpers/app';
import { projectInvitationMail } from '../../src/mail/templates';

const load = (env: Record<string, string> = {}) =>
  loadConfig({
    ...TEST_ENV,
    DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'colorbook-config-')),
    ...env,
  } as NodeJS.ProcessEnv);

describe('PLAN_*_COLLABORATORS', () => {
  test('when nothing is set, then free 2, pro 10, enterprise 100', () => {
    const { plans } = load();
    expect([plans.free.collaborators, plans.pro.collaborators, plans.enterprise.collaborators]).toEqual([
      2, 10, 100,
    ]);
  });

  test('when they are set, then they are used; 0 allows no collaborators', () => {
    const { plans } = load({
      PLAN_FREE_COLLABORATORS: '0',
      PLAN_PRO_COLLABORATORS: '25',
      PLAN_ENTERPRISE_COLLABORATORS: '1000',
    });
    expect([plans.free.collaborators, plans.pro.collaborators, plans.enterprise.collaborators]).toEqual([
      0, 25, 1000,
    ]);
  });

  test('when one is negative, fractional or not a number, then the configuration is refused naming it', () => {
    for (const value of ['-1', '1.5', 'many']) {
      expect(() => load({ PLAN_PRO_COLLABORATORS: value })).toThrow(ConfigError);
      expect(() => load({ PLAN_PRO_COLLABORATORS: value })).toThrow(/PLAN_PRO_COLLABORATORS/);
    }
  });
});

describe('the invitation mail', () => {
  test('when rendered, then it says the role and a 7-day lifetime, and escapes the link in HTML', () => {
    const link = 'https://app.example.test/accept-invitation?token=abc&x=<y>';
    const mail = projectInvitationMail({ link, ttlSeconds: 7 * 24 * 3600, role: 'editor' });
    expect(mail.subject).toBe('You are invited to a ColorBook project');
    expect(mail.text).toContain('as an editor');
    expect(mail.text).toContain('7 days');
    expect(mail.text).toContain(link);
    expect(mail.html).toContain('token=abc&amp;x=&lt;y&gt;');
    expect(mail.html).not.toContain('<y>');
    expect(projectInvitationMail({ link, ttlSeconds: 86_400, role: 'viewer' }).text).toContain('24 hours');
  });
});
