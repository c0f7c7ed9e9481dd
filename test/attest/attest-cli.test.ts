import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { linearRepo } from '../../fixtures/repos.js';
import { runCli } from '../cli/run-cli.js';
import { tempDir } from '../helpers.js';

const env = { AIPROV_PASSWORD: 'pipeline-secret' };
let repo: string;
let shas: string[];
let dir: string;
let bundle: string;

beforeAll(async () => {
  repo = await tempDir();
  shas = await linearRepo(repo, 4);
  dir = await tempDir();
  expect((await runCli(['keygen', '--output', path.join(dir, 'ci')], { env })).code).toBe(0);
  expect((await runCli(['keygen', '--output', path.join(dir, 'other')], { env })).code).toBe(0);
  const attest = await runCli(['attest', '--repo', repo, '--key', path.join(dir, 'ci.key'), '--predicate', 'authorship,bom', '--output-dir', path.join(dir, 'out'), '--quiet'], { env });
  expect(attest).toMatchObject({ code: 0, stderr: '' });
  bundle = path.join(dir, 'out', `${(shas.at(-1) ?? '').slice(0, 12)}.authorship.sigstore.json`);
});

const verify = (args: string[]) => runCli(['verify', '--repo', repo, '--key', path.join(dir, 'ci.pub'), ...args]);

describe('aiprov attest --key and aiprov verify --key', () => {
  it('a bundle per predicate, verified by every check for the commit it is about (exit 0)', async () => {
    const ok = await verify(['--bundle', bundle, '--type', 'authorship', '--format', 'json']);
    expect(ok.code).toBe(0);
    const report = JSON.parse(ok.stdout) as { verified: boolean; bundles: { checks: { name: string; result: string }[] }[] };
    expect(report.verified).toBe(true);
    expect(report.bundles[0]?.checks.map((c) => c.result)).toEqual(Array(10).fill('passed'));
    const bom = await verify(['--bundle', bundle.replace('.authorship.', '.bom.'), '--type', 'https://cyclonedx.org/bom']);
    expect(bom.code).toBe(0);
  });

  it('exit 1, naming the check, for another commit, another type, another key, a tampered bundle', async () => {
    const cases: [string[], string, string[]?][] = [
      [['--bundle', bundle, '--type', 'authorship', '--commit', shas[0] ?? ''], 'subject'],
      [['--bundle', bundle, '--type', 'bom'], 'predicateType'],
      [['--bundle', bundle, '--type', 'authorship'], 'signature', ['--key', path.join(dir, 'other.pub')]],
    ];
    for (const [args, check, keyArgs] of cases) {
      const run = keyArgs ? await runCli(['verify', '--repo', repo, ...keyArgs, ...args]) : await verify(args);
      expect([check, run.code]).toEqual([check, 1]);
      expect(run.stdout).toMatch(new RegExp(`\\n {2}failed {2}${check} `));
      expect(run.stderr).toMatch(new RegExp(`^aiprov: 1 of 1 bundle did not verify \\(${check}: `));
    }
    const tampered = path.join(dir, 'tampered.json');
    const json = JSON.parse(await readFile(bundle, 'utf8')) as { dsseEnvelope: { payload: string } };
    const statement = JSON.parse(Buffer.from(json.dsseEnvelope.payload, 'base64').toString()) as { predicate: { blame: { totals: { aiLines: number } } } };
    statement.predicate.blame.totals.aiLines = 0;
    json.dsseEnvelope.payload = Buffer.from(JSON.stringify(statement)).toString('base64');
    await writeFile(tampered, JSON.stringify(json));
    const run = await verify(['--bundle', tampered, '--type', 'authorship']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('  failed  signature ');
  });

  it('exit 2 when trust material or input is missing or unknown', async () => {
    expect((await runCli(['verify', '--repo', repo, '--key', path.join(dir, 'missing.pub'), '--bundle', bundle, '--type', 'authorship'])).stderr).toBe(`aiprov: public key ${path.join(dir, 'missing.pub')}: no such file\n`);
    const noKey = await runCli(['verify', '--repo', repo, '--bundle', bundle, '--type', 'authorship']);
    expect(noKey.code).toBe(2);
    const badType = await verify(['--bundle', bundle, '--type', 'provenance']);
    expect(badType.code).toBe(2);
    expect(badType.stderr).toMatch(/^aiprov: --type provenance: is not a predicate type aiprov knows/);
    const noBundle = await verify(['--bundle', path.join(dir, 'none.json'), '--type', 'authorship']);
    expect(noBundle).toMatchObject({ code: 2, stderr: `aiprov: --bundle ${path.join(dir, 'none.json')}: no such file\n` });
    const wrongPass = await runCli(['attest', '--repo', repo, '--key', path.join(dir, 'ci.key'), '--output-dir', path.join(dir, 'x')], { env: { AIPROV_PASSWORD: 'nope' } });
    expect(wrongPass).toMatchObject({ code: 2, stderr: `aiprov: cannot decrypt private key ${path.join(dir, 'ci.key')}: wrong passphrase (AIPROV_PASSWORD)\n` });
  });
});
