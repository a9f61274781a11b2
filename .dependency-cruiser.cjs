/**
 * The direction of dependencies in src/ (docs/CONTRIBUTING.md, "Where code goes"), checked by
 * `npm run lint:deps` as part of `npm run lint`. Type-only imports count: a type is a dependency too.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No file imports itself around a loop.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-circular-modules',
      severity: 'error',
      scope: 'folder',
      comment:
        'Feature modules depend one way: no two modules import each other, directly or around a loop. When ' +
        'two seem to need each other, move the shared part down (src/http/guards.ts, modules/storage-usage) ' +
        'or let the lower one take a hook that modules/index.ts fills.',
      from: { path: '^src/modules/[^/]+' },
      to: { circular: true },
    },
    {
      name: 'no-other-modules-queries',
      severity: 'error',
      comment: "A module's SQL is its own: another module calls its service, never its *.queries.ts.",
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/[^/]+/.+\\.queries\\.ts$', pathNot: '^src/modules/$1/' },
    },
    {
      name: 'modules-entered-through-public-files',
      severity: 'error',
      comment:
        'Another module is entered through its *.service.ts, its *.schemas.ts (types and schemas) or an ' +
        'index.ts; its routes, queries and helpers are its own. The project access seam ' +
        '(projects/project-access.ts, ADR 0014) is public too: every module that touches a project asks it, ' +
        "and the children's queries use its SQL fragments.",
      from: { path: '^src/modules/([^/]+)/' },
      to: {
        path: '^src/modules/[^/]+/',
        pathNot: [
          '^src/modules/$1/',
          '\\.service\\.ts$',
          '\\.schemas\\.ts$',
          '/index\\.ts$',
          '^src/modules/projects/project-access\\.ts$',
        ],
      },
    },
    {
      name: 'lower-layers-never-import-modules',
      severity: 'error',
      comment:
        'http/, db/, lib/, storage/, mail/ and ops/ (and config, context) sit below every feature: they never import ' +
        'src/modules/. What they need from a feature is passed in (a hook, a context field) at wiring time.',
      from: { path: ['^src/(http|db|lib|storage|mail|ops)/', '^src/(config|context)\\.ts$'] },
      to: { path: '^src/modules/' },
    },
  ],
  options: {
    includeOnly: '^src',
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
