// The operator commands' pre-step (`npm run migrate`, `admin:promote`, `keys:rotate`, `storage:gc`): they run
// `node dist/scripts/<name>.js`, so dist/ must hold the current code — without needing tsc, which a
// production install (the Docker image: `npm ci --omit=dev`) does not have.
//
// - dist/ is current (every .ts under src/ and scripts/ has a compiled .js at least as new): nothing to do.
// - Otherwise, where the build tools are installed (a clone after `npm install`): compile with
//   scripts/quick-build.mjs (SWC, about a second; `npm run build` stays the type-checked build).
// - A production install cannot compile: it runs the dist/ it was given (the image's, built by tsc in the
//   Dockerfile), and says so when the sources look newer; it fails with how to build when dist/ is missing.
//
// No dependencies: @swc/core is loaded only when there is something to compile.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');

function* sources(dir) {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(file);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) yield file;
  }
}

/** Sources whose compiled file is missing or older (the image has src/ but not scripts/*.ts: fine). */
function stale() {
  return ['src', 'scripts'].flatMap((folder) =>
    [...sources(path.join(root, folder))].filter((file) => {
      const compiled = path.join(dist, path.relative(root, file)).replace(/\.ts$/, '.js');
      try {
        return fs.statSync(compiled).mtimeMs < fs.statSync(file).mtimeMs;
      } catch {
        return true;
      }
    }),
  );
}

function buildToolsInstalled() {
  try {
    createRequire(path.join(root, 'package.json')).resolve('@swc/core');
    return true;
  } catch {
    return false;
  }
}

const outdated = stale();
if (outdated.length > 0) {
  if (buildToolsInstalled()) {
    await import('./quick-build.mjs');
  } else if (fs.existsSync(path.join(dist, 'scripts')) && fs.existsSync(path.join(dist, 'src'))) {
    console.error(
      `note: ${path.relative(root, outdated[0])} looks newer than dist/; this is a production install ` +
        '(no build tools), so the compiled dist/ runs as it is.',
    );
  } else {
    console.error(
      'dist/ is missing and this install has no build tools (production dependencies only): ' +
        'run `npm ci && npm run build` first, or use the Docker image, which contains dist/.',
    );
    process.exit(1);
  }
}
