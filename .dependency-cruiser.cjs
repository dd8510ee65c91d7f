// The walls of the architecture (docs/architecture.md), checked in CI by `npm run lint`.
// Each rule says why it exists: a module that can be reached only through its door can change
// its insides without breaking anyone, and layers that never point upwards can be read and
// tested from the bottom up.
const TESTS = '\\.(test|bench)\\.tsx?$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment:
        'A cycle means two files cannot be understood, loaded or tested apart; it also hides ' +
        'import-order traps (a constant read before the module that sets it has run).',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-stands-alone',
      comment:
        'src/core is the bottom layer (db, tenancy, auth, money, files, mail, jobs): it knows no ' +
        'page, no module and no command, so every module can rely on it without dragging the others in.',
      severity: 'error',
      from: { path: '^src/core/', pathNot: TESTS },
      to: { path: '^src/(web|modules|app|cli|demo)/' },
    },
    {
      name: 'web-kit-knows-no-module',
      comment:
        'src/web is the shared interface kit (layout, components, forms, middleware): modules ' +
        'use it, it never uses them. What the layout needs from modules (navigation, who the ' +
        'user is a member of) reaches it through the AppContext the composition root builds.',
      severity: 'error',
      from: { path: '^src/web/', pathNot: TESTS },
      to: { path: '^src/(modules|app|cli|demo)/' },
    },
    {
      name: 'modules-never-reach-up',
      comment:
        'Modules are assembled by src/app (routes, jobs, commands, migrations); a module that ' +
        'imports the assembly or the command line would depend on every other module.',
      severity: 'error',
      from: { path: '^src/modules/', pathNot: TESTS },
      to: { path: '^src/(app|cli|demo)/|^src/cli\\.ts$|^src/server\\.ts$' },
    },
    {
      name: 'module-through-its-door',
      comment:
        'A module reaches another only through its index.ts (services, types, events): its ' +
        'inner files, tables and views are its own business and may change at any time.',
      severity: 'error',
      from: { path: '^src/modules/([^/]+)/' },
      to: {
        path: '^src/modules/[^/]+/',
        pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$', '^src/modules/[^/]+/testing\\.ts$'],
      },
    },
    {
      name: 'module-test-door-for-tests',
      comment: "A module's testing.ts (fixtures, sample documents) is for other modules' tests only.",
      severity: 'error',
      from: { pathNot: ['^src/modules/', TESTS, '^src/app/testing[^/]*\\.ts$'] },
      to: { path: '^src/modules/[^/]+/testing\\.ts$' },
    },
    {
      name: 'module-test-door-for-tests-of-other-modules',
      comment: "Inside the modules too: only a module's own files and tests reach its testing.ts.",
      severity: 'error',
      from: { path: '^src/modules/([^/]+)/', pathNot: TESTS },
      to: { path: '^src/modules/[^/]+/testing\\.ts$', pathNot: '^src/modules/$1/' },
    },
    {
      name: 'tests-use-the-test-doors',
      comment:
        'Tests of the lower layers run against a real, fully migrated database: they may use the ' +
        "assembly's test doors (src/app/testing*.ts, the demo loader) and nothing else above them; " +
        'a core test never names a module.',
      severity: 'error',
      from: { path: '^src/(core|web|modules)/' },
      to: {
        path: '^src/(app|cli)/|^src/(cli|server)\\.ts$',
        pathNot: '^src/app/(testing[^/]*|demo)\\.tsx?$',
      },
    },
    {
      name: 'core-tests-name-no-module',
      comment: 'A core test that needs cooperatives gets them from the test door of the assembly.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: '^src/modules/' },
    },
    {
      name: 'assembly-through-the-door',
      comment:
        'The composition root, the CLI, the demo and the benchmarks see a module through its ' +
        'index.ts, or its module.ts (routes, navigation, migrations, commands, jobs: the parts ' +
        'only the assembly needs).',
      severity: 'error',
      from: { path: '^(src/(app|cli|demo)/|src/[^/]+\\.ts$|bench/)', pathNot: '^src/app/testing[^/]*\\.ts$' },
      to: {
        path: '^src/modules/[^/]+/',
        pathNot: ['^src/modules/[^/]+/(index|module)\\.tsx?$'],
      },
    },
    {
      name: 'module-definition-for-the-assembly',
      comment: "module.ts mounts a module's pages and jobs: only the assembly may import it.",
      severity: 'error',
      from: { pathNot: '^src/app/' },
      to: { path: '^src/modules/[^/]+/module\\.tsx?$' },
    },
    {
      name: 'no-test-imports',
      comment: 'Test files are leaves: code that imports a test would run it in production.',
      severity: 'error',
      from: {},
      to: { path: '\\.test\\.tsx?$' },
    },
    {
      name: 'test-helpers-stay-in-tests',
      comment: 'Fixtures and test databases are for tests and benchmarks, never for the running app.',
      severity: 'error',
      from: {
        path: '^src/',
        pathNot: ['\\.test\\.tsx?$', '(^|/)(testing[^/]*|test-helpers|fixtures)\\.tsx?$', '\\.bench\\.ts$'],
      },
      to: { path: '(^|/)(testing[^/]*|test-helpers|fixtures)\\.tsx?$' },
    },
    {
      name: 'no-unresolvable',
      comment: 'An import that does not resolve is a typo or a missing dependency.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|data|test-output)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
