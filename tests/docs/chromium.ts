import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** How to make these tests run, said wherever they are skipped or fail for want of a browser. */
const HOW_TO_ENABLE =
  'install Chromium (Debian/Ubuntu: `apt-get install chromium`) or set CHROMIUM_PATH to a Chromium or Chrome binary';

/** CI sets it (`.ci/run`): there a missing browser fails the run instead of skipping its tests. */
const REQUIRE_BROWSER_TESTS = process.env.REQUIRE_BROWSER_TESTS === '1';

/** Names Chromium and Chrome go by on PATH (Debian's `chromium`, Ubuntu's `chromium-browser`, Google's). */
const BROWSER_COMMANDS = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome'];
const MAC_APPS = [
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

const isExecutable = (file: string) => {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
};

/**
 * The browser Playwright drives: CHROMIUM_PATH when set (and then only it), else the first Chromium or Chrome
 * on PATH (`.ci/run` installs Debian's with apt), a macOS app, or a browser `npx playwright install chromium`
 * downloaded. `missing` says why there is none.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): { path?: string; missing?: string } {
  if (env.CHROMIUM_PATH) {
    return isExecutable(env.CHROMIUM_PATH)
      ? { path: env.CHROMIUM_PATH }
      : { missing: `CHROMIUM_PATH=${env.CHROMIUM_PATH} is not an executable file` };
  }
  const onPath = (env.PATH ?? '')
    .split(path.delimiter)
    .filter(Boolean)
    .flatMap((dir) => BROWSER_COMMANDS.map((name) => path.join(dir, name)));
  let downloaded: string[] = [];
  try {
    downloaded = [chromium.executablePath()];
  } catch {
    // playwright-core without a downloaded browser: nothing to add.
  }
  const found = [...onPath, ...MAC_APPS, ...downloaded].find(isExecutable);
  return found
    ? { path: found }
    : { missing: `no Chromium or Chrome found (looked for ${BROWSER_COMMANDS.join(', ')} on PATH)` };
}

const browser = findChromium();
export const CHROMIUM_PATH = browser.path;

/**
 * describe() for tests that need a browser. Without one they are skipped, visibly: a warning in the output
 * and one skipped test whose name says why and how to enable them; with REQUIRE_BROWSER_TESTS=1 (CI) that
 * test fails instead.
 */
export function describeWithChromium(name: string, fn: () => void): void {
  if (CHROMIUM_PATH) {
    describe(name, fn);
    return;
  }
  const reason = `${browser.missing}; to run them, ${HOW_TO_ENABLE}`;
  if (REQUIRE_BROWSER_TESTS) {
    describe(name, () => {
      test('needs Chromium (REQUIRE_BROWSER_TESTS=1)', () => {
        throw new Error(`Browser tests are required here but cannot run: ${reason}.`);
      });
    });
    return;
  }
  // Straight to stderr: Jest does not print the console of a suite whose every test is skipped.
  process.stderr.write(`\nBrowser tests SKIPPED ("${name}"): ${reason}.\n`);
  describe(name, () => {
    test.skip(`SKIPPED: browser tests need Chromium: ${reason}`, () => {});
  });
}

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * A headless Chromium with a fresh --user-data-dir for this test file: launched in beforeAll, closed (and
 * its profile removed) in afterAll; `extraArgs` are added to its command line. `launchPersistentContext` is how Playwright takes an explicit profile.
 */
export function useChromium(extraArgs: string[] = []): { readonly browser: BrowserContext } {
  const handle = {} as { browser: BrowserContext };
  let userDataDir: string | undefined;
  beforeAll(async () => {
    // No browser: describeWithChromium has skipped (or failed) the tests that would use it.
    if (!CHROMIUM_PATH) return;
    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'colorbook-chromium-'));
    handle.browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_ARGS, ...extraArgs],
    });
  });
  afterAll(async () => {
    await handle.browser?.close();
    if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
  });
  return handle;
}

/** Console errors, uncaught exceptions and failed requests of a page, as they happen. */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (req) =>
    problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`),
  );
  return problems;
}
