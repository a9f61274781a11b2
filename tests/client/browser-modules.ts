import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import ts from 'typescript';

const clientSrc = path.join(__dirname, '..', '..', 'client', 'src');

/**
 * Modules of client/src as one script for a page: each compiled to CommonJS by TypeScript and wrapped in a
 * function, with a `require` that resolves their `./x.js` imports among them. The script defines
 * `clientRequire('./sync-store.js')` and friends. Type-only imports vanish in the compilation, so a module
 * needs only the modules it imports values from.
 */
export function clientModulesScript(names: string[]): string {
  const wrapped = names.map((name) => {
    const source = fs.readFileSync(path.join(clientSrc, `${name}.ts`), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    });
    return `${JSON.stringify(`./${name}.js`)}: function (exports, require) {\n${outputText}\n}`;
  });
  return `
    const clientSources = {${wrapped.join(',\n')}};
    const clientModules = {};
    function clientRequire(name) {
      if (!clientModules[name]) {
        if (!clientSources[name]) throw new Error('not bundled: ' + name);
        clientModules[name] = {};
        clientSources[name](clientModules[name], clientRequire);
      }
      return clientModules[name];
    }
  `;
}

/**
 * A blank page on 127.0.0.1 (a real origin: IndexedDB refuses opaque ones like about:blank), started in
 * beforeAll and closed in afterAll.
 */
export function useBlankPage(): { readonly url: string } {
  const handle = { url: '' };
  let server: http.Server | undefined;
  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>sync store</title>');
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    handle.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });
  return handle;
}
