// The layering of src/ (ARCHITECTURE.md), enforced: each folder may import
// the kernel (src/kernel/, which imports no folder) and the folders listed
// for it, nothing above. `npm run lint` fails on an import that runs back up.
const FOLDERS = [
  'git',
  'policy',
  'oci',
  'authorship',
  'blame',
  'record',
  'recover',
  'sync',
  'deps',
  'bom',
  'findings',
  'attest',
  'verify',
  'gate',
  'source',
  'export',
  'dashboard',
  'store',
  'inventory',
  'config',
  'context',
  'demo',
  'render',
  'ci',
  'cli',
];

/** folder → the folders it may import. */
export const LAYERS = {
  kernel: [],
  git: [],
  policy: [],
  oci: [],
  authorship: ['git'],
  blame: ['git', 'authorship'],
  record: ['git', 'authorship', 'blame'],
  recover: ['git', 'authorship', 'blame'],
  sync: ['git', 'authorship', 'record'],
  deps: ['git', 'authorship', 'policy'],
  bom: ['git', 'authorship', 'blame', 'deps', 'policy'],
  findings: ['git', 'authorship', 'blame', 'policy'],
  attest: ['git', 'authorship', 'blame', 'deps', 'bom', 'policy', 'oci'],
  verify: ['git', 'deps', 'bom', 'attest', 'policy'],
  gate: ['git', 'authorship', 'blame', 'deps', 'attest', 'verify', 'findings', 'policy'],
  source: ['git', 'authorship', 'attest', 'verify', 'gate', 'policy'],
  export: ['git', 'authorship', 'blame'],
  dashboard: ['git', 'authorship', 'blame', 'deps', 'findings', 'gate', 'policy'],
  store: [],
  inventory: ['git', 'authorship', 'blame', 'deps', 'findings', 'attest', 'verify', 'gate', 'dashboard', 'policy', 'store'],
  config: ['authorship', 'deps', 'record', 'gate', 'sync'],
  context: ['git', 'authorship', 'config', 'recover', 'sync'],
  demo: ['git', 'authorship', 'blame', 'deps', 'bom', 'attest', 'verify', 'gate', 'context', 'oci'],
  render: ['authorship', 'blame', 'record', 'sync', 'deps', 'bom', 'findings', 'policy', 'demo', 'gate', 'dashboard', 'inventory', 'verify'],
  ci: ['git'],
  cli: FOLDERS.filter((f) => f !== 'cli'),
};

const SPAWNERS = [
  { name: 'node:child_process', message: 'run git through GitRunner (src/git/runner.ts): one environment, one argument guard' },
  { name: 'simple-git', message: 'run git through GitRunner (src/git/runner.ts)' },
];

/** One rule per file group (flat config replaces a rule, it does not merge it): the folders it may not import, and no spawning. */
const restrict = (forbidden, who, spawn = false) => ({
  'no-restricted-imports': [
    'error',
    {
      paths: spawn ? [] : SPAWNERS,
      patterns: forbidden.map((folder) => ({
        group: [`../${folder}/*`, `../../${folder}/*`, `../../../${folder}/*`, `./${folder}/*`],
        message: `${who} may not import ${folder}/ (see ARCHITECTURE.md)`,
      })),
    },
  ],
});

/** Where the process itself may be read and programs spawned: the CLI and the adapters at the edge. */
const EDGE = ['src/cli/**', 'src/kernel/environment.ts', 'src/git/runner.ts'];

export const layerRules = [
  ...Object.entries(LAYERS).map(([folder, allowed]) => ({
    files: [`src/${folder}/**/*.ts`],
    rules: restrict(
      FOLDERS.filter((f) => f !== folder && !allowed.includes(f)),
      `src/${folder}/`,
    ),
  })),
  // The kernel imports no folder (its entry in LAYERS); index.ts (the public API) may import all but the CLI.
  { files: ['src/index.ts'], rules: restrict(['cli'], 'the library API (src/index.ts)') },
  {
    files: ['src/**/*.ts'],
    ignores: EDGE,
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: "read variables from the context's Environment (src/kernel/environment.ts)" },
        { object: 'process', property: 'cwd', message: "take the cwd from the context's Environment (src/kernel/environment.ts)" },
        { object: 'os', property: 'homedir', message: "take the home directory from the context's Environment (src/kernel/environment.ts)" },
        { object: 'process', property: 'exitCode', message: 'commands return their exit code to cli/main.ts' },
      ],
    },
  },
  // The one place git is spawned, and the one place a local registry is (the demo's and the tests').
  {
    files: ['src/git/runner.ts'],
    rules: restrict(
      FOLDERS.filter((f) => f !== 'git'),
      'src/git/',
      true,
    ),
  },
  {
    files: ['src/oci/registry-process.ts'],
    rules: restrict(
      FOLDERS.filter((f) => f !== 'oci'),
      'src/oci/',
      true,
    ),
  },
];
