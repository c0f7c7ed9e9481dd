/**
 * aiprov's library API. The CLI is a thin layer over these functions: each
 * returns data (or streams it) and throws typed errors; none prints.
 */
// One context, built once, passed to every entry point below.
export { openContext, settingsContext } from './context/context.js';
export type { Context, ContextOptions, SettingsContext } from './context/context.js';
export { processEnvironment } from './kernel/environment.js';
export type { Environment } from './kernel/environment.js';
export { AnalyserFactory, CommitAnalyser } from './authorship/analyse.js';

export { scanHistory, openScan } from './authorship/scan.js';
export type { ScanContext, ScanOptions, ScanSession } from './authorship/scan.js';
export type {
  AgentSummary,
  CommitReport,
  Detection,
  Evidence,
  EvidenceKind,
  RepositoryInfo,
  ScanReport,
  ScanSummary,
  ScanWarning,
} from './authorship/types.js';
export { AGENT_IDS, AGENT_NAMES, isAgentId, agentForName } from './authorship/agents.js';
export type { AgentId } from './authorship/agents.js';
export { BUILTIN_SIGNATURES } from './authorship/signatures.js';
export type { Confidence, DetectionRole, IdentityRole, SignatureDef } from './authorship/signature-types.js';
export { SignatureEngine } from './authorship/engine.js';
export { parseMessage } from './authorship/trailers.js';
export type { ParsedMessage, Trailer } from './authorship/trailers.js';
export { AIPROV_NOTES_REF, GIT_AI_NOTES_REF, readAiprovNote } from './authorship/notes.js';
export { readGitAiNote } from './authorship/commit-notes.js';
export type { AuthorshipNote, NoteRecord } from './authorship/notes.js';
export { loadConfig, parseConfig, DEFAULT_CONFIG_FILE } from './config/load.js';
export type { AiprovConfig, LoadedConfig } from './config/load.js';
export { openRepository } from './git/repository.js';
export { importHistory } from './git/fast-import.js';
export type { ImportCommit } from './git/fast-import.js';
export type {
  CommitRecord,
  GitRepository,
  HeadState,
  HistoryReader,
  Identity,
  LogRequest,
  NotesReader,
  NotesWriter,
  RepositoryConfig,
  RepositoryHandle,
  TreeFile,
  TreeReader,
} from './git/types.js';
export {
  AiprovError,
  BomError,
  ConfigError,
  KeyError,
  GitError,
  ForgeError,
  HooksError,
  ManifestError,
  NotesError,
  OutputError,
  PolicyError,
  RegistryError,
  StoreError,
  UsageError,
  VerificationError,
  isAiprovError,
} from './kernel/errors.js';
export { openStore, DEFAULT_STORE_FILE, type OpenStoreOptions } from './store/open.js';
export type { SqlDatabase, SqlSession, Dialect } from './store/database.js';
export { collectRepository, type CollectOptions, type CollectResult, type CollectMode } from './inventory/collect.js';
export { remoteIdentity, type RepositoryIdentity } from './inventory/identity.js';
export type {
  BomCode,
  ConfigCode,
  KeyCode,
  ErrorCode,
  ForgeCode,
  StoreCode,
  GitCode,
  HooksCode,
  ManifestCode,
  NotesCode,
  OutputCode,
  PolicyCode,
  RegistryCode,
  UsageCode,
  VerificationCode,
} from './kernel/errors.js';
export { SCHEMA_FILES, schemaPath, validateAgainst } from './kernel/schemas.js';
export type { SchemaName } from './kernel/schemas.js';
export { buildSampleRepository } from './demo/sample-repository.js';
export { VERSION } from './kernel/version.js';

// Line-level attribution.
export { blameTree } from './blame/blame.js';
export type { BlameContext, BlameOptions } from './blame/blame.js';
export type { BlameReport, DirectoryAttribution, FileAttribution, LineCounts } from './blame/types.js';
export { attributeFindings, type FindingsOptions, type FindingsResult } from './findings/findings.js';
export { parseSarif, readSarifFile, type SarifInput } from './findings/sarif.js';
export { poissonRate, rateRatio, type Rate, type RateRatio } from './findings/stats.js';
export type { ApartFinding, AttributedFinding, FindingsReport } from './findings/types.js';
export type { ApartReason } from './findings/locate.js';
export { DETECTION_FLAGS } from './git/blame.js';
export type { DetectionLevel } from './git/blame.js';

// Recording authorship and keeping it through rewrites.
export { recordAuthorship } from './record/record.js';
export type { RecordContext, RecordOptions, RecordResult } from './record/record.js';
export { recordSquash } from './record/squash.js';
export type { SquashContext, SquashOptions, SquashResult } from './record/squash.js';
export { carryThroughRewrite, parseRewriteInput } from './record/rewrite.js';
export type { CarryOptions, CarryResult, Rewrite } from './record/rewrite.js';
export { installHooks, uninstallHooks } from './record/hooks.js';
export type { HooksResult, InstallHooksOptions } from './record/hooks.js';
export { runHook } from './record/hook-run.js';
export type { HookContext, HookRunOptions } from './record/hook-run.js';
export { agentFromEnv, trailerFor, DEFAULT_AGENT_ENV } from './record/agent-env.js';
export type { AgentEnvHint, HooksConfig, TrailerStyle } from './record/agent-env.js';

// Sharing the notes with a remote: a union, never a forced refspec.
export { fetchNotes, mergeFetchedNotes, pushNotes, PUSH_ATTEMPTS } from './sync/sync.js';
export type { NotesRefSync, NotesSyncContext, NotesSyncResult } from './sync/sync.js';
export type { NotesConfig } from './sync/config.js';
export { remoteSync } from './git/remote.js';
export type { RemoteSync } from './git/remote.js';

// Dependencies: hallucinated and typosquatted packages.
// The generic policy layer: findings, suppressions, thresholds, and the one decision.
export { atOrAbove, SEVERITIES, SEVERITY_ORDER } from './policy/severity.js';
export type { Severity } from './policy/severity.js';
export { applySuppressions, EXPIRED_SUPPRESSION } from './policy/findings.js';
export type { Finding as PolicyFinding, Suppression } from './policy/findings.js';
export { decide, tally, OUTCOMES } from './policy/decision.js';
export type { DecisionInput, Outcome, Tally } from './policy/decision.js';

export { auditRepository, checkNames, auditDecision } from './deps/audit.js';
export type { AuditContext, AuditOptions, NameCheckOptions, DepsContext, DepsReport, DepsSummary } from './deps/audit.js';
export type { DependencyReport, Ecosystem, SignalFinding, SignalId, Verdict } from './deps/types.js';
export type { PackageRegistry, Lookup, PackageInfo } from './deps/registry/types.js';
export { TyposquatIndex, shippedIndex } from './deps/typosquat/index.js';
export { renderDepsSarif } from './render/deps-render.js';

export { generateBom, checkDepsReport, publicUrl } from './bom/bom.js';
export type { BomContext, BomOptions, BomResult } from './bom/bom.js';
export { buildBom } from './bom/build.js';
export type { AttestationRef, BomInput, BomRepository } from './bom/build.js';
export { SPEC_VERSIONS, type SpecVersion } from './bom/validate.js';
export { mergeInto } from './bom/merge.js';
export { readAttestations, readDepsReport, readSbom } from './bom/inputs.js';
export { bomProblems, assertValidBom } from './bom/validate.js';
export { buildSpdx3, SPDX_CONTEXT, type Spdx3Input } from './bom/spdx3.js';
export { spdx3Problems } from './bom/spdx3-validate.js';

export { exportAttribution, type ExportFormat, type ExportOptions, type ExportResult } from './export/export.js';
export { establishedLines, type CommitLines, type Claimant, type ExportContext } from './export/established.js';
export { agentTraceRecords, traceRecordProblem, type TraceRecord } from './export/agent-trace.js';
export { gitAiNote, type GitAiNote } from './export/git-ai.js';

export { attestSource, type SourceVsaOptions, type SourceVsaResult } from './source/attest-source.js';
export { sourceVsaStatement, ORG_LEVELS, SOURCE_NOTES_REF, SOURCE_VSA_TYPE, type SourceVsaPredicate } from './source/vsa.js';
export { previousVsa, type PreviousVsa } from './source/chain.js';

export { pae, decodeBase64, IN_TOTO_PAYLOAD_TYPE } from './attest/dsse.js';
export {
  statement,
  subjects,
  predicateType,
  authorshipPredicate,
  reviewPredicate,
  PREDICATE_TYPES,
  VERIFIED_TYPES,
  STATEMENT_TYPE,
} from './attest/statement.js';
export type { Statement, ResourceDescriptor, AuthorshipPredicate, ReviewPredicate, PredicateName, PredicateType } from './attest/statement.js';
export { generateKeys, writeKeyPair, readPrivateKey, readPublicKey, keyAlgorithm, KEY_ALGORITHMS } from './attest/keys.js';
export type { KeyAlgorithm, KeyPair } from './attest/keys.js';
export { signWithKey, signKeyless, keyId, DEFAULT_FULCIO_URL, DEFAULT_REKOR_URL } from './attest/sign.js';
export type { KeylessOptions, SerializedBundle } from './attest/sign.js';
export { attestCommit, bundleFileName } from './attest/attest.js';
export type { AttestContext, AttestOptions, Attestation } from './attest/attest.js';
export { appendBundles, readStoredBundles, ATTESTATIONS_REF } from './attest/store.js';
export type { StoredBundle } from './attest/store.js';

export { verifyAttestation, parseDuration } from './verify/attestation.js';
export type { AttestationVerifyOptions, AttestationVerification } from './verify/attestation.js';
export { verifySignature } from './verify/signature.js';
export type { Trust, IdentityRule, SignedArtifact } from './verify/signature.js';
export { CheckList, CHECK_ORDER } from './verify/checks.js';
export type { Check, CheckName } from './verify/checks.js';
export { parseTrustedRoot, readTrustedRoot, publicGoodRoot } from './verify/trusted-root.js';
export { readContentPolicy, policyViolations } from './verify/content-policy.js';
export type { ContentPolicy } from './verify/content-policy.js';
export { vsaStatement, verifiedLevels, VSA_PREDICATE_TYPE } from './verify/vsa.js';
export { verifyForConformance } from './verify/conformance.js';
export { attestImage } from './attest/image.js';
export type { ImageAttestation, ImageAttestResult, OciFormat } from './attest/image.js';
export { parseImageReference, formatReference } from './oci/reference.js';
export type { ImageReference } from './oci/reference.js';
export { RegistryClient as OciRegistryClient } from './oci/client.js';
export type { RegistryClientOptions, RegistryCredentials } from './oci/client.js';
export { attachBundle, attachLegacy, findBundles, resolveImage } from './oci/bundles.js';
export type { AttachedBundle, BundleSearch, FoundBundle, ResolvedImage } from './oci/bundles.js';
export { bundleManifest, referrersTag, MEDIA as OCI_MEDIA_TYPES } from './oci/manifests.js';

export { collectDashboard } from './dashboard/collect.js';
export type { DashboardOptions, DashboardContext } from './dashboard/collect.js';
export type { DashboardData } from './dashboard/types.js';
export { renderDashboardHtml } from './render/dashboard-page.js';

export { systemClock, fixedClock } from './kernel/clock.js';
export type { Clock } from './kernel/clock.js';
