import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findChromium } from './chromium';

/** Which browser the browser tests drive, and what they say when there is none (no browser is started). */

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'colorbook-chromium-find-'));

describe('finding Chromium for the browser tests', () => {
  test('when a Chromium is on PATH under one of its usual names, then it is found there', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'chromium-browser'), '#!/bin/sh\n', { mode: 0o755 });
    expect(findChromium({ PATH: dir })).toEqual({ path: path.join(dir, 'chromium-browser') });
  });

  test('when the file on PATH is not executable, then it is not taken for a browser', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'chromium'), '', { mode: 0o644 });
    expect(findChromium({ PATH: dir }).path).not.toBe(path.join(dir, 'chromium'));
  });

  test('when CHROMIUM_PATH names no executable, then there is no browser and the reason names it', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'chromium'), '#!/bin/sh\n', { mode: 0o755 });
    expect(findChromium({ PATH: dir, CHROMIUM_PATH: path.join(dir, 'nope') })).toEqual({
      missing: `CHROMIUM_PATH=${path.join(dir, 'nope')} is not an executable file`,
    });
  });
});
