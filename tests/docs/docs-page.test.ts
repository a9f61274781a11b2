import type { Page } from 'playwright-core';
import { useTestApp } from '../helpers/app';
import { useLiveServer } from '../client/live-server';
import { describeWithChromium, useChromium, watchProblems } from './chromium';

jest.setTimeout(90_000);

const t = useTestApp({ validateResponses: true });
const live = useLiveServer(t);
const chromium = useChromium();

async function openDocs(): Promise<{ page: Page; problems: string[] }> {
  const page = await chromium.browser.newPage();
  const problems = watchProblems(page);
  const response = await page.goto(`${live.baseUrl}/api/docs`);
  expect(response?.status()).toBe(200);
  await page.locator('.opblock-tag').first().waitFor();
  return { page, problems };
}

describeWithChromium('GET /api/docs in a real browser', () => {
  test('when the page loads, then it lists the modules with no console errors, under the strict CSP', async () => {
    const { page, problems } = await openDocs();
    try {
      const tags = await page
        .locator('.opblock-tag')
        .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-tag')));
      expect(tags).toEqual(expect.arrayContaining(['Auth', 'Operations']));
      await page.locator('#operations-Auth-postAuthLogin').waitFor();
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }

    // The page runs under helmet's default policy: scripts from this origin only, no inline script.
    const res = await fetch(`${live.baseUrl}/api/docs`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(await res.text()).not.toMatch(/<script>(?!<\/script>)/);
  });

  test('when "Try it out" is used on GET /health, then the call succeeds and its answer is shown', async () => {
    const { page, problems } = await openDocs();
    try {
      const operation = page.locator('#operations-Operations-getHealth');
      await operation.locator('.opblock-summary').click();
      await operation.getByRole('button', { name: 'Try it out' }).click();
      const [answer] = await Promise.all([
        page.waitForResponse((res) => new URL(res.url()).pathname === '/health'),
        operation.getByRole('button', { name: 'Execute' }).click(),
      ]);
      expect(answer.status()).toBe(200);
      const shown = operation.locator('.live-responses-table .response');
      await shown.locator('.response-col_status', { hasText: '200' }).waitFor();
      await expect(shown.locator('.response-col_description').textContent()).resolves.toContain('"ok"');
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  test('when an asset outside the allow-list is asked for, then it is a 404 and the route is not documented', async () => {
    const res = await fetch(`${live.baseUrl}/api/docs/assets/index.html`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const traversal = await fetch(`${live.baseUrl}/api/docs/assets/..%2F..%2Fpackage.json`);
    expect(traversal.status).toBe(404);
    const document = (await (await fetch(`${live.baseUrl}/api/openapi.json`)).json()) as { paths: object };
    expect(Object.keys(document.paths).filter((p) => p.startsWith('/api/docs/assets'))).toEqual([]);
  });
});
