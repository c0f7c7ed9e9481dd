#!/usr/bin/env node
// `npm test`'s set-up (its pretest step): the programs the tests drive that
// npm cannot install. Debian's chromium (the dashboard in a real browser;
// puppeteer-core cannot download one here), docker-registry (a real registry
// for image attestations), skopeo (an independent client reading back what
// aiprov pushed), pre-commit (the hook examples with the real manager) and
// rsync (which gitlab-ci-local needs to run the GitLab pipeline), ssh-keygen and gpg (signed review commits),
// postgresql (the shared store's server; the tests start their own cluster), flawfinder (a real scanner's SARIF for the
// findings' tests, beside ESLint's from npm), python3-jsonschema (a second validator of the SPDX 3 documents). Each is installed with apt when missing, through sudo when
// not root, saying what it installs; AIPROV_CHROMIUM, AIPROV_DOCKER_REGISTRY
// and AIPROV_SKOPEO name others instead. The tests fail, never skip, without
// them.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const onPath = (name) => spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
const wanted = [
  { pkg: 'chromium', variable: 'AIPROV_CHROMIUM', present: () => onPath('chromium') || existsSync('/usr/bin/chromium') },
  { pkg: 'docker-registry', variable: 'AIPROV_DOCKER_REGISTRY', present: () => existsSync('/usr/bin/docker-registry') },
  { pkg: 'skopeo', variable: 'AIPROV_SKOPEO', present: () => onPath('skopeo') },
  // The hook examples run under Debian's pre-commit; gitlab-ci-local copies with rsync.
  { pkg: 'pre-commit', variable: 'AIPROV_PRE_COMMIT', present: () => onPath('pre-commit') },
  { pkg: 'rsync', present: () => onPath('rsync') },
  // Signed review commits: ssh-keygen (SSH signatures) and gpg (OpenPGP), which git verifies with.
  { pkg: 'openssh-client', present: () => onPath('ssh-keygen') },
  { pkg: 'gnupg', present: () => onPath('gpg') && onPath('gpgconf') },
  // The organisation's store on a real PostgreSQL server, which the store's tests start themselves (test/postgres.ts).
  { pkg: 'postgresql', variable: 'AIPROV_POSTGRES_BIN', present: postgresInstalled },
  // A second real scanner's SARIF (C code) for the findings' tests, beside ESLint's.
  { pkg: 'flawfinder', present: () => onPath('flawfinder') },
  // An independent JSON Schema implementation (Python's jsonschema, Draft 2020-12) for the SPDX 3.0.1 documents, beside Ajv.
  {
    pkg: 'python3-jsonschema',
    present: () => spawnSync('python3', ['-c', 'import jsonschema.validators; jsonschema.validators.Draft202012Validator'], { stdio: 'ignore' }).status === 0,
  },
];
function postgresInstalled() {
  const root = '/usr/lib/postgresql';
  return existsSync(root) && readdirSync(root).some((version) => existsSync(`${root}/${version}/bin/postgres`));
}
const missing = wanted.filter((w) => !(w.variable && process.env[w.variable]) && !w.present()).map((w) => w.pkg);
if (missing.length === 0) process.exit(0);

if (!onPath('apt-get')) {
  console.error(
    `test set-up: ${missing.join(', ')} missing and no apt-get to install them: install them, or name them with ${wanted
      .filter((w) => missing.includes(w.pkg) && w.variable)
      .map((w) => w.variable)
      .join(', ')}`,
  );
  process.exit(1);
}
const root = process.getuid?.() === 0;
if (!root && !onPath('sudo')) {
  console.error(`test set-up: ${missing.join(', ')} missing; installing them needs root (sudo apt-get install ${missing.join(' ')})`);
  process.exit(1);
}
const run = (args) => {
  const [command, ...rest] = root ? args : ['sudo', ...args];
  const result = spawnSync(command, rest, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (result.status !== 0) {
    console.error(`test set-up: ${[command, ...rest].join(' ')} failed (exit ${result.status ?? result.signal})`);
    process.exit(1);
  }
};
console.error(`test set-up: installing Debian's ${missing.join(', ')} (apt-get${root ? '' : ' through sudo'}), which the tests drive`);
run(['apt-get', 'update', '-qq']);
run(['apt-get', 'install', '-y', '-qq', ...missing]);
