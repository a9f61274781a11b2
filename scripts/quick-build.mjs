// `npm start`'s build: src/ and scripts/ from TypeScript to CommonJS in dist/, by SWC — the transform every
// test runs the code under — without a type check: about a second instead of tsc's 8–12 s, so a fresh clone
// serves sooner. `npm run build` (tsc, type-checked) stays the build for Docker and CI checks the types.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformFile } from '@swc/core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// --out <dir>: another output folder (the test of this script); it must be inside the repository, where the
// compiled server finds package.json and database/migrations.
const outArg = process.argv.indexOf('--out');
const outDir = outArg > 0 ? path.resolve(process.argv[outArg + 1]) : path.join(root, 'dist');

function* sources(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(file);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) yield file;
  }
}

// --with <file or folder>: compile it too (the benchmark adds bench/baseline.ts).
const extra = process.argv.flatMap((arg, i) => (process.argv[i - 1] === '--with' ? [arg] : []));

const started = Date.now();
const files = ['src', 'scripts', ...extra].flatMap((entry) => {
  const full = path.join(root, entry);
  return fs.statSync(full).isDirectory() ? [...sources(full)] : [full];
});
await Promise.all(
  files.map(async (file) => {
    const out = path.join(outDir, path.relative(root, file)).replace(/\.ts$/, '.js');
    const { code, map } = await transformFile(file, {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      // import() stays import(): `redis` and the scripts' ESM-only helpers load as tsc's output loads them.
      module: { type: 'commonjs', ignoreDynamic: true },
      sourceMaps: true,
      outputPath: out,
      swcrc: false,
    });
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, `${code}\n//# sourceMappingURL=${path.basename(out)}.map\n`);
    if (map) fs.writeFileSync(`${out}.map`, map);
  }),
);
// stderr: stdout stays for what runs after it.
console.error(
  `compiled ${files.length} files to ${path.relative(root, outDir)}/ in ${Date.now() - started} ms (no type check)`,
);
