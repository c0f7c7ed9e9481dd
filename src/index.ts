/**
 * aibom's library API. The CLI is a thin layer over these functions: each
 * returns data (or streams it) and throws typed errors; none prints.
 */
export { scanHistory, openScan } from './authorship/scan.js';
export type { ScanOptions, ScanSession } from './authorship/scan.js';
export type {
  AgentSummary, CommitReport, Detection, Evidence, EvidenceKind, RepositoryInfo, ScanReport, ScanSummary, ScanWarning,
} from './authorship/types.js';
export { AGENT_IDS, isAgentId, agentForName } from './authorship/agents.js';
export type { AgentId } from './authorship/agents.js';
export { BUILTIN_SIGNATURES } from './authorship/signatures.js';
export type { Confidence, DetectionRole, IdentityRole, SignatureDef } from './authorship/signature-types.js';
export { SignatureEngine } from './authorship/engine.js';
export { parseMessage } from './authorship/trailers.js';
export type { ParsedMessage, Trailer } from './authorship/trailers.js';
export { AIBOM_NOTES_REF, GIT_AI_NOTES_REF, readAibomNote, readGitAiNote } from './authorship/notes.js';
export type { AuthorshipNote, NoteRecord } from './authorship/notes.js';
export { loadConfig, parseConfig, DEFAULT_CONFIG_FILE } from './config/load.js';
export type { AibomConfig, LoadedConfig } from './config/load.js';
export { openRepository } from './git/repository.js';
export { importHistory } from './git/fast-import.js';
export type { ImportCommit } from './git/fast-import.js';
export type { CommitRecord, GitRepository, HeadState, Identity, LogRequest } from './git/types.js';
export { AibomError, ConfigError, GitError, UsageError, isAibomError } from './errors.js';
export type { ErrorCode } from './errors.js';
export { SCHEMA_FILES, schemaPath, validateAgainst } from './schemas.js';
export type { SchemaName } from './schemas.js';
export { buildSampleRepository } from './demo/run.js';
export { VERSION } from './version.js';
