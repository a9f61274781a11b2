/**
 * npm run client:generate — writes client/src/schema.d.ts (the typed client's `paths`) from the OpenAPI
 * document the app generates in-process: no server, no network. The configuration is a fixed throwaway one
 * (not the environment), so the output depends on the code alone and CI can check it is current
 * (scripts/check-client-types.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { PgliteDatabase } from '../src/db/pglite-database';
import { createLogger } from '../src/lib/logger';
import { projectRoot } from '../src/lib/paths';
import { runScript } from './run-script';

export const SCHEMA_FILE = path.join(projectRoot, 'client', 'src', 'schema.d.ts');

/** The app's OpenAPI document, built on an empty in-memory database with a fixed configuration. */
export async function buildOpenApiDocument(): Promise<Record<string, any>> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'colorbook-openapi-'));
  const db = await PgliteDatabase.open({});
  try {
    const config = loadConfig({
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      // Throwaway values: nothing is signed or encrypted while the document is built.
      JWT_SECRET: 'openapi-generation-only-secret-0123456789abcdef',
      ENCRYPTION_KEYS: `gen:${Buffer.alloc(32).toString('base64')}`,
    });
    const logger = createLogger({ level: 'error', json: false, silent: true });
    const app = createApp({ config, db, logger });
    return structuredClone(app.locals.openapi());
  } finally {
    await db.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The text of client/src/schema.d.ts for the current code. */
export async function generateClientTypes(document?: Record<string, any>): Promise<string> {
  const ast = await openapiTS((document ?? (await buildOpenApiDocument())) as any, {
    // The API rejects unknown fields and answers exactly the declared shapes.
    additionalProperties: false,
    // Fields with a default (page, limit) are optional in requests, present in responses.
    defaultNonNullable: true,
  });
  return astToString(ast);
}

async function main(): Promise<void> {
  const text = await generateClientTypes();
  fs.writeFileSync(SCHEMA_FILE, text);
  console.log(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)} (${text.length} characters)`);
}

if (require.main === module) runScript(main);
