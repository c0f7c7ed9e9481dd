// Extracts the openAPIV3Schema of the admission-policy kinds aiprov ships
// examples for, from the CRDs in the projects' own repositories, into
// fixtures/kubernetes/ (descriptions left out: the fields are what the
// examples are checked against). Usage:
//   node scripts/kubernetes-schemas.mjs KYVERNO_GIT_DIR POLICY_CONTROLLER_GIT_DIR
// with the git directories of kyverno/kyverno and sigstore/policy-controller
// (the workplace's `fetch` brings them).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';

const [kyverno, policyController] = process.argv.slice(2);
if (!kyverno || !policyController) {
  console.error('usage: node scripts/kubernetes-schemas.mjs KYVERNO_GIT_DIR POLICY_CONTROLLER_GIT_DIR');
  process.exit(2);
}
const show = (dir, file) => execFileSync('git', ['--git-dir', dir, 'show', `HEAD:${file}`], { encoding: 'utf8', maxBuffer: 1 << 28 });
const head = (dir) => execFileSync('git', ['--git-dir', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
const strip = (value) => {
  if (Array.isArray(value)) return value.map(strip);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => k !== 'description')
      .map(([k, v]) => [k, strip(v)]),
  );
};
const CRDS = [
  { repo: kyverno, project: 'kyverno/kyverno', file: 'config/crds/kyverno/kyverno.io_clusterpolicies.yaml', version: 'v1', out: 'kyverno-clusterpolicy-v1' },
  {
    repo: kyverno,
    project: 'kyverno/kyverno',
    file: 'config/crds/policies.kyverno.io/policies.kyverno.io_imagevalidatingpolicies.yaml',
    version: 'v1',
    out: 'kyverno-imagevalidatingpolicy-v1',
  },
  {
    repo: policyController,
    project: 'sigstore/policy-controller',
    file: 'config/300-clusterimagepolicy.yaml',
    version: 'v1beta1',
    out: 'policy-controller-clusterimagepolicy-v1beta1',
  },
];
mkdirSync('fixtures/kubernetes', { recursive: true });
const sources = [];
for (const crd of CRDS) {
  const doc = parse(show(crd.repo, crd.file));
  const version = doc.spec.versions.find((v) => v.name === crd.version);
  const schema = {
    $comment: `${crd.project}@${head(crd.repo)}:${crd.file} (${doc.spec.group}/${crd.version} ${doc.spec.names.kind}), descriptions removed`,
    ...strip(version.schema.openAPIV3Schema),
  };
  writeFileSync(`fixtures/kubernetes/${crd.out}.schema.json`, `${JSON.stringify(schema)}\n`);
  sources.push(`- \`${crd.out}.schema.json\`: ${crd.project} at ${head(crd.repo)}, \`${crd.file}\`, version ${crd.version} (Apache-2.0)`);
}
writeFileSync(
  'fixtures/kubernetes/README.md',
  `# Admission-policy schemas\n\nThe openAPIV3Schema of each kind the examples in examples/kubernetes/ use, from the projects' CRDs, descriptions removed (made by scripts/kubernetes-schemas.mjs):\n\n${sources.join('\n')}\n`,
);
console.log(sources.join('\n'));
