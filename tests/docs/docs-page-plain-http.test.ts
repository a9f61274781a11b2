import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createApp } from '../../src/app';
import { testConfig, useTestApp } from '../helpers/app';
import { describeWithChromium, useChromium, watchProblems } from './chromium';

/**
 * /api/docs reached over plain HTTP at a server's own name or address (http://<server-ip>:3000), as on a fresh
 * VPS. Chromium treats localhost and 127.0.0.0/8 as potentially trustworthy, so the page is loaded under a
 * host name that is neither (mapped to loopback by --host-resolver-rules, so no traffic leaves this machine):
 * there a CSP `upgrade-insecure-requests` makes every script load as https://…, which fails, and the page
 * stays blank.
 */

jest.setTimeout(90_000);

const HOST = 'colorbook-api.test';

// Behind one proxy: X-Forwarded-Proto says how the request reached it.
const t = useTestApp({ validateResponses: true, env: { TRUST_PROXY: '1' } });
const chromium = useChromium([`--host-resolver-rules=MAP ${HOST} 127.0.0.1`]);

describe('the API documentation page over plain HTTP', () => {
  test('when a request arrives over HTTP, then the CSP does not ask for insecure requests to be upgraded', async () => {
    const res = await t.http().get('/api/docs');
    expect(res.status).toBe(200);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('upgrade-insecure-requests');
  });

  test('when a request arrived over HTTPS (X-Forwarded-Proto from a trusted proxy), then the CSP upgrades insecure requests', async () => {
    const res = await t.http().get('/api/docs').set('X-Forwarded-Proto', 'https');
    expect(res.status).toBe(200);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toMatch(/(^|;)upgrade-insecure-requests(;|$)/);
    const plain = await t.http().get('/health').set('X-Forwarded-Proto', 'http');
    expect(String(plain.headers['content-security-policy'])).not.toContain('upgrade-insecure-requests');
  });

  test('when X-Forwarded-Proto comes without a trusted proxy (TRUST_PROXY=0), then it is ignored', async () => {
    const direct = createApp({ config: testConfig({}, t.dataDir), db: t.db, logger: t.ctx.logger });
    const res = await request(direct).get('/health').set('X-Forwarded-Proto', 'https');
    expect(res.status).toBe(200);
    expect(String(res.headers['content-security-policy'])).not.toContain('upgrade-insecure-requests');
  });
});

describeWithChromium('the API documentation page over plain HTTP, in Chromium', () => {
  test('when the page is loaded at http://<server name>:<port>, then Swagger UI renders with no failed requests', async () => {
    const server = http.createServer(t.handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const page = await chromium.browser.newPage();
    try {
      const problems = watchProblems(page);
      const url = `http://${HOST}:${(server.address() as AddressInfo).port}/api/docs`;
      expect((await page.goto(url))?.status()).toBe(200);
      await page.locator('#operations-Auth-postAuthLogin').waitFor({ timeout: 15_000 });
      // Chromium notes that it ignores helmet's Cross-Origin-Opener-Policy on an untrustworthy origin: harmless.
      expect(
        problems.filter((p) => !p.includes('Cross-Origin-Opener-Policy header has been ignored')),
      ).toEqual([]);
    } finally {
      await page.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
