import type { ScanReport } from '../authorship/types.js';
import { scanHistory } from '../authorship/scan.js';
import { blameTree } from '../blame/blame.js';
import type { BlameReport } from '../blame/types.js';
import { openContext, type ContextOptions } from '../context/context.js';
import { envelope, type Envelope } from '../kernel/schemas.js';
import { buildSampleRepository } from './sample-repository.js';
import { demoRegistry } from './registry.js';
import { auditRepository, type DepsReport } from '../deps/audit.js';
import { generateBom } from '../bom/bom.js';
import { createHash, generateKeyPairSync, type KeyObject, type KeyPairKeyObjectResult } from 'node:crypto';
import { checkChange, type CheckReport } from '../gate/check.js';
import { checkRecord, recordCheck } from '../gate/history.js';
import { recordReview } from '../gate/review.js';
import { readStoredBundles } from '../attest/store.js';
import { PULL_REQUEST_REF } from './sample-history.js';
import { appendFile, mkdir, rename, writeFile } from 'node:fs/promises';
import { bundleFileName } from '../attest/attest.js';
import { signWithKey } from '../attest/sign.js';
import { authorshipPredicate, PREDICATE_TYPES, statement, subjects } from '../attest/statement.js';
import { appendBundles } from '../attest/store.js';
import type { ContentPolicy } from '../verify/content-policy.js';
import { verifyBundles, type BundleResult } from '../verify/verify.js';
import path from 'node:path';

/** The demo's whole result: where the sample was built, its scan, its blame and its dependency audit (schemas/demo-report.schema.json). */
export interface DemoReport extends Envelope<'demoReport'> {
  repository: string;
  scan: ScanReport;
  blame: BlameReport;
  deps: DepsReport;
  /** The CycloneDX AI-BOM of the sample, written next to its files. */
  bom: DemoBom;
  attestations: DemoAttestations;
  gate: DemoGate;
  /** Where the dashboard of the sample goes (the demo command writes it after printing this report). */
  dashboard: string;
}

/** The sample's pull request through the gate: refused, reviewed by a person, checked again; what verify then says. */
export interface DemoGate {
  pullRequest: string;
  head: string;
  before: Pick<CheckReport, 'decision' | 'reasons'> & { escalations: string[] };
  review: { reviewer: string; scope: string[]; signed: boolean };
  after: Pick<CheckReport, 'decision' | 'reasons'> & { escalations: string[] };
  verify: { review: { verified: boolean; detail: string }; deps: { verified: boolean; detail: string } };
}

export interface DemoAttestations {
  /** The demo key's public half (the private half lives only in the demo's memory). */
  publicKey: string;
  bundles: { predicate: 'authorship' | 'deps' | 'bom'; predicateType: string; file: string; verified: boolean; checks: number }[];
  /** A copy of the authorship bundle with its AI line count lowered: it must not verify. */
  tampered: { verified: boolean; failedCheck: string | null; detail: string };
}

export interface DemoBom {
  file: string;
  specVersion: string;
  serialNumber: string;
  summary: string;
  models: number;
  agents: number;
  libraries: number;
}

/** Where the demo writes the sample's AI-BOM, inside the sample (kept out of git status by .git/info/exclude). */
export const DEMO_BOM_FILE = 'aiprov-bom.cdx.json';
/** Where it writes the attestation bundles and the demo key's public half, likewise. */
export const DEMO_ATTESTATIONS_DIR = 'aiprov-attestations';
/** Where the demo command writes the sample's dashboard (`aiprov report --html`), likewise. */
export const DEMO_DASHBOARD_FILE = 'aiprov-dashboard.html';

/**
 * Builds the sample repository (in `dir`, or a temporary directory), then
 * scans it, blames it and audits its dependencies, offline: the registry is
 * the demo's own (demo/registry.ts) and its cache lives in the sample's git
 * directory, so nothing is asked of the network or written to yours.
 */
export async function runDemo(options: { dir?: string; replacePrevious?: boolean } & Omit<ContextOptions, 'repo' | 'git'> = {}): Promise<DemoReport> {
  const { dir, replacePrevious, ...contextOptions } = options;
  const repository = await buildSampleRepository(dir, { replacePrevious: replacePrevious === true });
  const context = await openContext({ ...contextOptions, repo: repository });
  const [scan, blame] = [await scanHistory({ context }), await blameTree({ context })];
  const deps = await auditRepository({
    context,
    registries: { npm: demoRegistry },
    cacheDir: path.join(await context.git.gitPath('aiprov-demo-cache')),
    npmrcDir: repository,
  });
  const result = await generateBom({ context, deps, reproducible: true });
  const file = path.join(repository, DEMO_BOM_FILE);
  await writeFile(`${file}.tmp`, result.text);
  await rename(`${file}.tmp`, file);
  await appendFile(await context.git.gitPath('info/exclude'), `${DEMO_BOM_FILE}\n${DEMO_ATTESTATIONS_DIR}/\n${DEMO_DASHBOARD_FILE}\n`);
  const components = result.bom.components as { 'type': string; 'bom-ref': string }[];
  const bom: DemoBom = {
    file,
    specVersion: result.spec,
    serialNumber: String(result.bom.serialNumber),
    summary: result.summary,
    models: components.filter((c) => c.type === 'machine-learning-model').length,
    agents: components.filter((c) => c['bom-ref'].startsWith('agent:')).length,
    libraries: components.filter((c) => c.type === 'library').length,
  };
  const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const attestations = await attestAndVerify(context, repository, { scan, blame, deps, bom: result.bom }, keys);
  const gate = await gateStory(context, keys, path.join(await context.git.gitPath('aiprov-demo-cache')));
  return { ...envelope('demoReport'), repository, scan, blame, deps, bom, attestations, gate, dashboard: path.join(repository, DEMO_DASHBOARD_FILE) };
}

/**
 * What CI and deploy do with the evidence: sign it where it is made, check it
 * where it is used. An ephemeral P-256 key signs the sample's HEAD
 * (authorship, deps, bom); the bundles go to files and to the notes ref; each
 * is verified offline with the public key, and a tampered copy is refused.
 */
async function attestAndVerify(
  context: Awaited<ReturnType<typeof openContext>>,
  repository: string,
  made: { scan: ScanReport; blame: BlameReport; deps: DepsReport; bom: unknown },
  keys: KeyPairKeyObjectResult,
): Promise<DemoAttestations> {
  const dir = path.join(repository, DEMO_ATTESTATIONS_DIR);
  await mkdir(dir);
  const { privateKey, publicKey } = keys;
  const publicFile = path.join(dir, 'demo-signing-key.pub');
  await writeFile(publicFile, publicKey.export({ type: 'spki', format: 'pem' }).toString());
  // The reports the demo just made are what it signs (attest would make them again): the sample's HEAD is the subject.
  const head = made.blame.rev;
  const subject = subjects(head);
  const predicates = [
    {
      predicate: 'authorship' as const,
      predicateType: PREDICATE_TYPES.authorship,
      body: authorshipPredicate({
        commit: head,
        attestedAt: context.clock.now(),
        range: head,
        scanSummary: made.scan.summary,
        commitReport: made.scan.commits.find((c) => c.sha === head) ?? null,
        blame: made.blame,
      }),
    },
    { predicate: 'deps' as const, predicateType: PREDICATE_TYPES.deps, body: made.deps },
    { predicate: 'bom' as const, predicateType: PREDICATE_TYPES.bom, body: made.bom },
  ];
  const signed = [];
  for (const p of predicates) signed.push({ ...p, commit: head, bundle: await signWithKey(statement(subject, p.predicateType, p.body), privateKey) });
  await appendBundles(
    context.git,
    head,
    signed.map((a) => a.bundle),
  );
  const now = context.clock.now();
  const check = evidenceCheck(publicKey, head, now);
  const bundles: DemoAttestations['bundles'] = [];
  for (const a of signed) {
    const file = path.join(dir, bundleFileName(a));
    await writeFile(file, `${JSON.stringify(a.bundle)}\n`);
    const v = (await check(a.bundle, a.predicateType, file))?.verification;
    bundles.push({
      predicate: a.predicate,
      predicateType: a.predicateType,
      file,
      verified: v?.verified === true,
      checks: v?.checks.filter((c) => c.result === 'passed').length ?? 0,
    });
  }
  // Claim fewer AI lines than were signed: the payload no longer matches its signature.
  const original = signed[0]?.bundle;
  const tampered = structuredClone(original) as { dsseEnvelope: { payload: string } };
  const claimed = JSON.parse(Buffer.from(tampered.dsseEnvelope.payload, 'base64').toString('utf8')) as {
    predicate: { blame: { totals: { aiLines: number } } };
  };
  claimed.predicate.blame.totals.aiLines = 0;
  tampered.dsseEnvelope.payload = Buffer.from(JSON.stringify(claimed)).toString('base64');
  const refused = (await check(tampered, PREDICATE_TYPES.authorship, 'tampered copy'))?.verification;
  const failed = refused?.checks.find((c) => c.result === 'failed');
  return {
    publicKey: publicFile,
    bundles,
    tampered: { verified: refused?.verified === true, failedCheck: failed?.name ?? null, detail: failed?.detail ?? '' },
  };
}

/**
 * Each bundle file verified as `aiprov verify --bundle FILE --key PUB` does it (verify/verify.ts), as evidence: the
 * signature, the statement, its subject. What the dependency audit says is judged in the gate story, where the
 * built-in policy refuses it.
 */
function evidenceCheck(
  publicKey: KeyObject,
  head: string,
  now: Date,
): (bundle: unknown, predicateType: string, source: string) => Promise<BundleResult | undefined> {
  const evidenceOnly: ContentPolicy = { deps: { denyVerdicts: [] } };
  return async (bundle, predicateType, source) => {
    const bytes = Buffer.from(JSON.stringify(bundle));
    const result = await verifyBundles({
      inputs: [{ source, sha256: createHash('sha256').update(bytes).digest('hex'), json: bundle }],
      from: 'files',
      trust: { kind: 'keys', keys: [publicKey] },
      predicateType,
      subject: { gitCommit: head },
      subjectText: `commit ${head}`,
      where: 'among the bundles given',
      now,
      policy: evidenceOnly,
    });
    return result.bundles[0];
  };
}

const REVIEWER = { name: 'Riley Reviewer', email: 'riley@example.com' };

/**
 * The gate on the sample's pull request (Claude Code's checkout, a login
 * bypass and a misspelt dependency): `check` refuses it; a person reviews
 * the authentication change and signs the review; `check` runs again (the
 * typosquat still fails it); `verify` accepts the signed review for the pull
 * request's head and still refuses main's dependency attestation, which
 * names the package the agent made up.
 */
async function gateStory(context: Awaited<ReturnType<typeof openContext>>, keys: KeyPairKeyObjectResult, cacheDir: string): Promise<DemoGate> {
  const base = await context.git.resolveCommit('main');
  const head = await context.git.resolveCommit(PULL_REQUEST_REF);
  // The reviewer's own key, trusted for reviews only (not for authorship or audits): the policy a team would commit as review.signers.
  const reviewerKeys = generateKeyPairSync('ed25519');
  const reviewerPem = reviewerKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const run = async (): Promise<CheckReport> =>
    checkChange({
      context,
      base,
      head,
      policyAt: () =>
        Promise.resolve({
          review: { signers: [{ email: REVIEWER.email, key: reviewerPem }] },
          source: "the demo's policy (review.signers: Riley's review key)",
        }),
      deps: { registries: { npm: demoRegistry }, cacheDir },
    });
  const summary = (r: CheckReport): DemoGate['before'] => ({
    decision: r.decision,
    reasons: r.reasons,
    escalations: r.hunks.filter((h) => h.escalated && h.reviewedBy.length === 0).map((h) => `${h.rule} ${h.path}:${h.startLine}`),
  });
  const before = await run();
  await recordCheck(context.git, checkRecord(before, context.clock.now()));
  const scope = ['src/auth/**'];
  const recorded = await recordReview({
    context,
    target: head,
    decision: 'approved',
    reviewer: REVIEWER,
    paths: scope,
    comment: 'The support bypass is intended for the demo; approved.',
    now: context.clock.now(),
    privateKey: reviewerKeys.privateKey,
  });
  const after = await run();
  await recordCheck(context.git, checkRecord(after, context.clock.now()));
  // As `aiprov verify --from-notes --key PUB --type …` does it (verify/verify.ts): the notes are a pool, one trusted attestation is enough.
  const now = context.clock.now();
  const fromNotes = async (
    commit: string,
    predicateType: string,
    trusted: KeyObject,
    policy?: ContentPolicy,
  ): Promise<{ verified: boolean; detail: string }> => {
    const result = await verifyBundles({
      inputs: await readStoredBundles(context.git, commit),
      from: 'pool',
      trust: { kind: 'keys', keys: [trusted] },
      predicateType,
      subject: { gitCommit: commit },
      subjectText: `commit ${commit}`,
      where: `on commit ${commit.slice(0, 12)} in refs/notes/aiprov-attestations`,
      now,
      ...(policy ? { policy } : {}),
    });
    const c = result.bundles.flatMap((b) => b.verification.checks).find((x) => x.result === 'failed');
    return { verified: result.outcome === 'pass', detail: c ? `${c.name}: ${c.detail}` : (result.problems[0] ?? 'every check passed') };
  };
  const review = await fromNotes(head, PREDICATE_TYPES.review, reviewerKeys.publicKey);
  // No policy given: the built-in one, which refuses hallucinated and malicious names (verification fails closed).
  const deps = await fromNotes(await context.git.resolveCommit('HEAD'), PREDICATE_TYPES.deps, keys.publicKey);
  return {
    pullRequest: PULL_REQUEST_REF.replace('refs/heads/', ''),
    head,
    before: summary(before),
    review: { reviewer: `${REVIEWER.name} <${REVIEWER.email}>`, scope, signed: recorded.signed },
    after: summary(after),
    verify: { review, deps },
  };
}
