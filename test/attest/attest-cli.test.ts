import { HALLUCINATED_AUDIT } from '../../fixtures/audits.js';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { git, linearRepo } from '../../fixtures/repos.js';
import { readPrivateKey, readPublicKey } from '../../src/attest/keys.js';
import { signWithKey } from '../../src/attest/sign.js';
import { PREDICATE_TYPES, statement, subjects, type Statement } from '../../src/attest/statement.js';
import { validateAgainst } from '../../src/kernel/schemas.js';
import { verifyAttestation } from '../../src/verify/attestation.js';
import { VSA_PREDICATE_TYPE } from '../../src/verify/vsa.js';
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
  expect((await runCli(['keygen', '--prefix', path.join(dir, 'ci')], { env })).code).toBe(0);
  expect((await runCli(['keygen', '--prefix', path.join(dir, 'other')], { env })).code).toBe(0);
  const attest = await runCli(
    ['attest', '--repo', repo, '--key', path.join(dir, 'ci.key'), '--predicate', 'authorship,bom', '--output-dir', path.join(dir, 'out'), '--quiet'],
    { env },
  );
  expect(attest).toMatchObject({ code: 0, stderr: '' });
  bundle = path.join(dir, 'out', `${(shas.at(-1) ?? '').slice(0, 12)}.authorship.sigstore.json`);
});

/** The same statement with its attestedAt two days back, signed again with the CI key: old without waiting for it to age. */
async function signedLongAgo(): Promise<string> {
  const signed = JSON.parse(await readFile(bundle, 'utf8')) as { dsseEnvelope: { payload: string } };
  const old = JSON.parse(Buffer.from(signed.dsseEnvelope.payload, 'base64').toString('utf8')) as Statement<{ attestedAt: string }>;
  old.predicate.attestedAt = new Date(Date.now() - 2 * 86_400_000).toISOString();
  const file = path.join(dir, 'signed-long-ago.json');
  await writeFile(file, JSON.stringify(await signWithKey(old, await readPrivateKey(path.join(dir, 'ci.key'), env.AIPROV_PASSWORD))));
  return file;
}

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

  it('--bom signs the AI-BOM already made (not made again); a BOM of another commit, or no output directory for files, is refused', async () => {
    const head = shas.at(-1) ?? '';
    const bomFile = path.join(dir, 'head.cdx.json');
    expect((await runCli(['bom', '--repo', repo, '--output', bomFile])).code).toBe(0);
    const out = path.join(dir, 'given-bom');
    const given = await runCli(
      ['attest', '--repo', repo, '--key', path.join(dir, 'ci.key'), '--predicate', 'bom', '--bom', bomFile, '--output-dir', out, '--quiet'],
      { env },
    );
    expect(given).toMatchObject({ code: 0, stderr: '' });
    const signed = JSON.parse(await readFile(path.join(out, `${head.slice(0, 12)}.bom.sigstore.json`), 'utf8')) as { dsseEnvelope: { payload: string } };
    const payload = JSON.parse(Buffer.from(signed.dsseEnvelope.payload, 'base64').toString('utf8')) as { predicate: unknown };
    expect(payload.predicate).toEqual(JSON.parse(await readFile(bomFile, 'utf8')));
    // A BOM of an older commit would be a signature on another state of the code.
    const oldBom = path.join(dir, 'old.cdx.json');
    expect((await runCli(['bom', '--repo', repo, '--rev', shas[0] ?? '', '--output', oldBom])).code).toBe(0);
    const mismatch = await runCli(['attest', '--repo', repo, '--key', path.join(dir, 'ci.key'), '--predicate', 'bom', '--bom', oldBom, '--store', 'notes'], {
      env,
    });
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toBe(
      `aiprov: BOM ${oldBom} describes commit ${(shas[0] ?? '').slice(0, 12)}, not the attested ${head.slice(0, 12)}: make it with aiprov bom --rev ${head.slice(0, 12)}\n`,
    );
    const notAsked = await runCli(['attest', '--repo', repo, '--key', path.join(dir, 'ci.key'), '--predicate', 'authorship', '--bom', bomFile], { env });
    expect(notAsked).toMatchObject({ code: 2, stderr: 'aiprov: --bom is signed as the bom predicate: add bom to --predicate\n' });
    // Bundle files need a directory named: never the work tree by default.
    const noDir = await runCli(['attest', '--repo', repo, '--key', path.join(dir, 'ci.key'), '--predicate', 'authorship'], { env });
    expect(noDir).toMatchObject({ code: 2, stderr: 'aiprov: --store files writes bundle files: say where with --output-dir DIR (or --store notes)\n' });
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
    // An artifact and its bundle are verified without any repository (a deploy job may have none): here the bundle is about a commit, so it fails on the subject, not for want of a repository.
    const outside = await tempDir();
    await writeFile(path.join(outside, 'app.tgz'), 'built\n');
    const noRepo = await runCli(['verify', '--artifact', 'app.tgz', '--bundle', bundle, '--type', 'authorship', '--key', path.join(dir, 'ci.pub')], {
      cwd: outside,
    });
    expect(noRepo.code).toBe(1);
    expect(noRepo.stdout).toMatch(/failed +subject +no subject with sha256 /);
    expect((await runCli(['verify', '--repo', repo, '--key', path.join(dir, 'missing.pub'), '--bundle', bundle, '--type', 'authorship'])).stderr).toBe(
      `aiprov: public key ${path.join(dir, 'missing.pub')}: no such file\n`,
    );
    const noKey = await runCli(['verify', '--repo', repo, '--bundle', bundle, '--type', 'authorship']);
    expect(noKey.code).toBe(2);
    const badType = await verify(['--bundle', bundle, '--type', 'provenance']);
    expect(badType.code).toBe(2);
    expect(badType.stderr).toMatch(/^aiprov: --type provenance: is not a predicate type aiprov knows/);
    const noBundle = await verify(['--bundle', path.join(dir, 'none.json'), '--type', 'authorship']);
    expect(noBundle).toMatchObject({ code: 2, stderr: `aiprov: --bundle ${path.join(dir, 'none.json')}: no such file\n` });
    const wrongPass = await runCli(['attest', '--repo', repo, '--key', path.join(dir, 'ci.key'), '--output-dir', path.join(dir, 'x')], {
      env: { AIPROV_PASSWORD: 'nope' },
    });
    expect(wrongPass).toMatchObject({
      code: 2,
      stderr: `aiprov: cannot decrypt private key ${path.join(dir, 'ci.key')}: wrong passphrase (AIPROV_PASSWORD)\n`,
    });
  });

  it('--policy: content rules on verified statements fail apart from signatures (PolicyError); --vsa-output writes a SLSA VSA, signed with --vsa-key', async () => {
    const ai = await tempDir();
    await linearRepo(ai, 2);
    await writeFile(path.join(ai, 'agent.ts'), 'export const a = 1;\nexport const b = 2;\nexport const c = 3;\n');
    git(ai, 'add', 'agent.ts');
    git(ai, 'commit', '-q', '-m', 'feat: constants\n\nCo-Authored-By: Claude <noreply@anthropic.com>');
    const out = path.join(dir, 'ai-out');
    expect((await runCli(['attest', '--repo', ai, '--key', path.join(dir, 'ci.key'), '--output-dir', out, '--quiet'], { env })).code).toBe(0);
    const [file] = await readdir(out);
    const aiBundle = path.join(out, file ?? '');
    const policy = async (name: string, text: string): Promise<string> => {
      const f = path.join(dir, name);
      await writeFile(f, text);
      return f;
    };
    const strict = await policy('strict.yml', 'authorship:\n  maxAiShare: 10\n  allowedAgents: [aider]\n');
    const lenient = await policy('lenient.yml', 'authorship:\n  maxAiShare: 100\n  allowedAgents: [claude-code]\n');
    const review = await policy('review.yml', 'review:\n  required: true\n');
    const run = (args: string[]) =>
      runCli(['verify', '--repo', ai, '--key', path.join(dir, 'ci.pub'), '--bundle', aiBundle, '--type', 'authorship', ...args], { env });

    const vsaFile = path.join(dir, 'vsa.json');
    const failed = await run(['--policy', strict, '--vsa-output', vsaFile]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/failed +policy +AI share is \d+\.\d+% \(3 of \d+ lines\), above 10%; agents not allowed: claude-code/);
    // The same limit as a fraction, the unit of aiShare in every report: the same answer.
    const asFraction = await run(['--policy', await policy('fraction.yml', 'authorship:\n  maxAiShare: 0.1\n  allowedAgents: [aider]\n')]);
    expect(asFraction.code).toBe(1);
    expect(asFraction.stdout).toMatch(/AI share is \d+\.\d+% \(3 of \d+ lines\), above 10%/);
    expect(failed.stderr).toMatch(/^aiprov: 1 verified attestation breaks the policy/);
    const failedVsa = JSON.parse(await readFile(vsaFile, 'utf8')) as {
      predicateType: string;
      predicate: { verificationResult: string; verifiedLevels: string[] };
    };
    expect(failedVsa.predicateType).toBe('https://slsa.dev/verification_summary/v1');
    expect(failedVsa.predicate).toMatchObject({ verificationResult: 'FAILED', verifiedLevels: [] });

    const passed = await run(['--policy', lenient, '--max-age', '1h', '--vsa-output', vsaFile, '--vsa-key', path.join(dir, 'ci.key')]);
    expect(passed.code).toBe(0);
    const signedVsa = JSON.parse(await readFile(vsaFile, 'utf8')) as unknown;
    const head = git(ai, 'rev-parse', 'HEAD').trim();
    const checked = await verifyAttestation({
      bundle: signedVsa,
      trust: { kind: 'keys', keys: [await readPublicKey(path.join(dir, 'ci.pub'))] },
      predicateType: VSA_PREDICATE_TYPE,
      subject: { gitCommit: head },
      now: new Date(),
    });
    expect(checked.verified).toBe(true);
    const vsa = checked.statement?.predicate as {
      verificationResult: string;
      verifiedLevels: string[];
      policy: { uri: string; digest: { sha256: string } };
      inputAttestations: { uri: string }[];
      resourceUri: string;
    };
    expect(validateAgainst('vsaPredicate', vsa)).toBeNull();
    expect(vsa).toMatchObject({
      verificationResult: 'PASSED',
      resourceUri: `git+commit:${head}`,
      policy: { uri: 'file:lenient.yml' },
      inputAttestations: [{ uri: aiBundle }],
    });
    expect(vsa.verifiedLevels).toEqual(['AIPROV_SIGNATURE_VERIFIED', 'AIPROV_AUTHORSHIP_ATTESTED', 'AIPROV_FRESH', 'AIPROV_POLICY_PASSED']);

    // The policy from a config the verified repository does not control (--config), not from its own .aiprov.yml.
    const userConfig = await policy('user-config.yml', 'verify:\n  authorship:\n    allowedAgents: [aider]\n');
    const fromConfig = await runCli(
      ['verify', '--repo', ai, '--config', userConfig, '--key', path.join(dir, 'ci.pub'), '--bundle', aiBundle, '--type', 'authorship'],
      { env },
    );
    expect(fromConfig.code).toBe(1);
    expect(fromConfig.stdout).toMatch(/failed +policy +agents not allowed: claude-code/);
    await writeFile(path.join(ai, '.aiprov.yml'), 'verify:\n  authorship:\n    allowedAgents: [claude-code, aider]\n');
    const own = await run([]);
    expect(own.code).toBe(0);
    expect(own.stderr).toMatch(/its verify policy is not used: the repository under verification would be choosing its own policy/);
    const noReview = await run(['--policy', review, '--review-key', path.join(dir, 'ci.pub')]);
    expect(noReview.code).toBe(1);
    expect(noReview.stderr).toMatch(/requires an approving review\/v1 attestation from a trusted review signer; there is none/);
    // The review signers listed in the policy itself (the PEM, as a policy file stands alone).
    const pem = (await readFile(path.join(dir, 'ci.pub'), 'utf8')).trim().split('\n').join('\n        ');
    const listed = await policy('review-signers.yml', `review:\n  required: true\n  signers:\n    - key: |\n        ${pem}\n`);
    const viaPolicy = await run(['--policy', listed]);
    expect([viaPolicy.code, viaPolicy.stderr]).toEqual([1, expect.stringMatching(/trusted review signer; there is none/)]);
    const bad = await policy('bad.yml', 'authorship:\n  maxAiShare: lots\n');
    expect(await run(['--policy', bad])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^aiprov: policy .*bad\.yml: \/authorship\/maxAiShare: must be number/) as unknown,
    });
    expect((await run(['--max-age', 'soon'])).code).toBe(2);
  });

  it("--from-notes: one trusted attestation of the type is enough (a stranger's beside it does not matter), a policy breach in a trusted one fails as policy", async () => {
    const r = await tempDir();
    await linearRepo(r, 2);
    const attest = (key: string) => runCli(['attest', '--repo', r, '--key', path.join(dir, key), '--store', 'notes', '--quiet'], { env });
    expect((await attest('other.key')).code).toBe(0);
    expect((await attest('ci.key')).code).toBe(0);
    const fromNotes = (args: string[]) => runCli(['verify', '--repo', r, '--from-notes', '--type', 'authorship', '--key', path.join(dir, 'ci.pub'), ...args]);
    const ok = await fromNotes([]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/#1: FAILED[\s\S]*#2: VERIFIED/);
    const strict = path.join(dir, 'no-agents.yml');
    await writeFile(strict, 'authorship:\n  allowedAgents: []\n  maxAiShare: -1\n');
    expect((await fromNotes(['--policy', strict])).code).toBe(2);
    await writeFile(strict, 'authorship:\n  allowedAgents: [aider]\n');
    // Claude Code wrote part of the sample: the trusted attestation breaks the policy; the stranger's bundle is reported, not counted.
    const breach = await fromNotes(['--policy', strict]);
    expect(breach.code).toBe(1);
    expect(breach.stderr).toBe('aiprov: 1 verified attestation breaks the policy (agents not allowed: claude-code)\n');
    await writeFile(strict, 'authorship:\n  allowedAgents: [claude-code]\n');
    expect((await fromNotes(['--policy', strict])).code).toBe(0);
    const ai = path.join(dir, 'ai-policy.yml');
    await writeFile(ai, 'review:\n  required: true\n');
    // The attestations' key is not a reviewer's: a required review needs its own trust.
    const noReviewTrust = await fromNotes(['--policy', ai]);
    expect([noReviewTrust.code, noReviewTrust.stderr]).toEqual([
      2,
      expect.stringMatching(/^aiprov: the policy requires a review, and nobody is trusted to sign one/),
    ]);
    const needsReview = await fromNotes(['--policy', ai, '--review-key', path.join(dir, 'ci.pub')]);
    expect(needsReview.code).toBe(1);
    expect(needsReview.stderr).toMatch(/^aiprov: the policy requires an approving review\/v1 attestation/);
    const halfIdentity = await fromNotes(['--policy', ai, '--review-identity', 'riley@example.com']);
    expect([halfIdentity.code, halfIdentity.stderr]).toEqual([2, expect.stringMatching(/--review-oidc-issuer/)]);
  });

  it('every failure mode through the CLI: exit 1, the failing check named', async () => {
    const original = JSON.parse(await readFile(bundle, 'utf8')) as {
      dsseEnvelope: { payload: string; payloadType: string; signatures: { sig: string; keyid: string }[] };
      verificationMaterial?: unknown;
    };
    const bom = JSON.parse(await readFile(bundle.replace('.authorship.', '.bom.'), 'utf8')) as typeof original;
    const variant = async (name: string, change: (b: typeof original) => unknown): Promise<string> => {
      const file = path.join(dir, `mode-${name}.json`);
      await writeFile(file, JSON.stringify(change(structuredClone(original)) ?? null));
      return file;
    };
    const cases: [string, string, string[]][] = [
      [
        'tampered payloadType',
        'signature',
        [
          '--bundle',
          await variant('type', (b) => {
            b.dsseEnvelope.payloadType = 'application/json';
            return b;
          }),
        ],
      ],
      [
        'a signature lifted from another statement',
        'signature',
        [
          '--bundle',
          await variant('lifted', (b) => {
            b.dsseEnvelope.signatures = bom.dsseEnvelope.signatures;
            return b;
          }),
        ],
      ],
      [
        'an empty signature',
        'bundle',
        [
          '--bundle',
          await variant('empty', (b) => {
            (b.dsseEnvelope.signatures[0] ?? { sig: '' }).sig = '';
            return b;
          }),
        ],
      ],
      [
        'no verification material',
        'bundle',
        [
          '--bundle',
          await variant('material', (b) => {
            delete b.verificationMaterial;
            return b;
          }),
        ],
      ],
      [
        'two signatures',
        'bundle',
        [
          '--bundle',
          await variant('two', (b) => {
            b.dsseEnvelope.signatures.push({ ...(b.dsseEnvelope.signatures[0] ?? { sig: '', keyid: '' }) });
            return b;
          }),
        ],
      ],
      ['not a bundle at all', 'bundle', ['--bundle', await variant('null', () => null)]],
      ['too old', 'freshness', ['--bundle', await signedLongAgo(), '--max-age', '1d']],
    ];
    const runs = await Promise.all(cases.map(([, , args]) => verify([...args, '--type', 'authorship'])));
    cases.forEach(([what, check], i) => {
      const run = runs[i];
      expect([what, run?.code]).toEqual([what, 1]);
      expect(run?.stdout, what).toMatch(new RegExp(`\\n {2}failed {2}${check} `));
    });
  });
});

describe('arguments are checked before any secret is asked for', () => {
  it('a bad image reference or an unknown predicate is said first, not the missing passphrase', async () => {
    const noPassword = { AIPROV_PASSWORD: undefined };
    const key = path.join(dir, 'ci.key');
    const badImage = await runCli(['attest', '--repo', repo, '--key', key, '--image', 'BAD/Ref'], { env: noPassword });
    expect(badImage.code).toBe(2);
    expect(badImage.stderr).not.toMatch(/passphrase/);
    expect(badImage.stderr).toMatch(/^aiprov: .*BAD\/Ref/);
    const badPredicate = await runCli(['attest', '--repo', repo, '--key', key, '--predicate', 'nonsense'], { env: noPassword });
    expect(badPredicate).toMatchObject({ code: 2, stderr: expect.stringMatching(/^aiprov: --predicate nonsense: expected /) as unknown });
    // Everything else right: now the passphrase is what is missing.
    const noSecret = await runCli(['attest', '--repo', repo, '--key', key, '--store', 'notes'], { env: noPassword });
    expect(noSecret).toMatchObject({ code: 2, stderr: expect.stringMatching(/^aiprov: no passphrase for the key .*ci\.key: set AIPROV_PASSWORD/) as unknown });
    const vsaArgs = ['--vsa-output', path.join(dir, 'vsa.json'), '--vsa-key', key];
    const vsa = await runCli(['verify', '--type', 'authorship', '--key', path.join(dir, 'ci.pub'), '--image', 'BAD/Ref', ...vsaArgs], { env: noPassword });
    expect(vsa.code).toBe(2);
    expect(vsa.stderr).toMatch(/^aiprov: .*BAD\/Ref/);
    expect(vsa.stderr).not.toMatch(/passphrase/);
  });
});

describe('verify fails closed', () => {
  it('with no policy given, a dependency audit naming a hallucinated package is refused by the built-in policy, and the VSA names it', async () => {
    const head = shas.at(-1) ?? '';
    const signed = await signWithKey(
      statement(subjects(head), PREDICATE_TYPES.deps, HALLUCINATED_AUDIT),
      await readPrivateKey(path.join(dir, 'ci.key'), env.AIPROV_PASSWORD),
    );
    const file = path.join(dir, 'hallucinated.deps.json');
    await writeFile(file, JSON.stringify(signed));
    const vsa = path.join(dir, 'deps-vsa.json');
    const run = await verify(['--bundle', file, '--type', 'deps', '--vsa-output', vsa]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/\n {2}failed {2}policy +the built-in policy: 1 dependency is hallucinated: npm:express-search-helpers-pro\n/);
    expect(run.stderr).toMatch(/^aiprov: 1 verified attestation breaks the policy \(the built-in policy: /);
    const document = JSON.parse(await readFile(vsa, 'utf8')) as { predicate: { policy: { uri: string }; verificationResult: string } };
    expect(document.predicate).toMatchObject({
      policy: { uri: 'https://aiprov.dev/verifier/builtin-policy/https://aiprov.dev/dependency-audit/v1' },
      verificationResult: 'FAILED',
    });
    // Said explicitly, the permissive choice is the user's: a policy that denies no verdict passes it.
    const permissive = path.join(dir, 'permissive.yml');
    await writeFile(permissive, 'deps:\n  denyVerdicts: []\n');
    expect((await verify(['--bundle', file, '--type', 'deps', '--policy', permissive])).code).toBe(0);
  });
});
