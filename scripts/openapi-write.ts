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

export const OPENAPI_FILE = path.join(projectRoot, 'dist', 'openapi.json');

async function main(): Promise<void> {
  const target = path.resolve(process.argv[2] ?? OPENAPI_FILE);
  const document = await buildOpenApiDocument();
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, JSON.stringify(document, null, 2) + '\n');
  console.log(`wrote ${path.relative(process.cwd(), target)}`);
}

if (require.main === module) {
  main().then(
    // prom-client, PGlite or a mailer may leave handles open; the work is done.
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
