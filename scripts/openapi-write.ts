/**
 * npm run openapi:write — writes the app's OpenAPI document to dist/openapi.json (ignored by git, ESLint
 * and Prettier), built in-process like the client types (scripts/client-generate.ts): no server, no
 * network, an in-memory database. `npm run lint` lints that file with Spectral (.spectral.yaml).
 * An optional argument writes elsewhere.
 */
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../src/lib/paths';
import { buildOpenApiDocument } from './client-generate';
import { runScript } from './run-script';

export const OPENAPI_FILE = path.join(projectRoot, 'dist', 'openapi.json');

async function main(): Promise<void> {
  const target = path.resolve(process.argv[2] ?? OPENAPI_FILE);
  const document = await buildOpenApiDocument();
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, JSON.stringify(document, null, 2) + '\n');
  console.log(`wrote ${path.relative(process.cwd(), target)}`);
}

if (require.main === module) runScript(main);
