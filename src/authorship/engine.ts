import type { CommitRecord, Identity } from '../git/types.js';
import { normalizeModel, type AgentId } from './agents.js';
import { readAgentName, readAssistedBy, type NamedAgent } from './agent-names.js';
import { formatIdentity, parseIdentity } from './identity.js';
import type { DetectionRole, IdentityRole, SignatureDef } from './signature-types.js';
import { BUILTIN_SIGNATURES } from './signatures.js';
import { parseMessage, type ParsedMessage } from './trailers.js';
import type { Detection, Evidence } from './types.js';
import { compareStrings } from '../kernel/sorted.js';
import { ConfigError } from '../kernel/errors.js';
import { linearPattern, nativePattern, PatternSyntaxError, type Pattern, type PatternFlags } from '../kernel/linear-regex.js';

interface Compiled {
  def: SignatureDef;
  roles: ReadonlySet<IdentityRole>;
  email?: string;
  emailRe?: Pattern;
  nameRe?: Pattern;
  valueRe?: Pattern;
  textRe?: Pattern;
  modelRe?: Pattern;
}

export interface Match {
  detections: Detection[];
  automation: string[];
  parsed: ParsedMessage;
}

/** Trailers whose value is an identity that co-wrote the commit. */
const CO_AUTHOR_KEYS = new Set(['co-authored-by', 'co-developed-by']);
const DEFAULT_ROLES: IdentityRole[] = ['author', 'co-author'];

/**
 * Matches commits against a signature table. Signatures are indexed once
 * (identities by address, trailers by key) so a commit costs a few map
 * look-ups plus the handful of message patterns, whatever the table's size.
 * The built-in table's patterns run natively; a config's own run on the
 * linear-time engine (linear-regex.ts), so that a pattern from a repository's
 * `.aiprov.yml` cannot hang a scan.
 */
/** Identities whose gate result is remembered, at most: a bot-heavy history can have more, which are then tested each time. */
const GATE_MEMORY = 50_000;

export class SignatureEngine {
  private readonly byEmail = new Map<string, Compiled[]>();
  /** Identity patterns of the built-in table, behind one native gate. */
  private readonly identityPatterns: Compiled[] = [];
  /** Identity patterns from a config: few, each run on the linear-time engine, no gate (a gate would put them on a backtracking engine). */
  private readonly configIdentityPatterns: Compiled[] = [];
  /** One regex that any identity a built-in pattern signature could match must match: most people's identities are ruled out by it alone. */
  private patternGate: RegExp | undefined;
  private readonly byTrailerKey = new Map<string, Compiled[]>();
  private readonly subjects: Compiled[] = [];
  /** Line patterns of the built-in table, behind one native multiline gate run on the paragraph. */
  private readonly lines: Compiled[] = [];
  private lineGate: RegExp | undefined;
  /** Line patterns from a config, on the linear-time engine, no gate (as for identities). */
  private readonly configLines: Compiled[] = [];
  private readonly paragraphs: Compiled[] = [];

  /** `configured`: signatures from a config file, compiled on the linear-time engine (throws PatternSyntaxError for one it cannot run). */
  constructor(defs: readonly SignatureDef[], configured: readonly SignatureDef[] = []) {
    for (const def of defs) this.add(def, false);
    for (const def of configured) this.add(def, true);
  }

  match(commit: CommitRecord): Match {
    const parsed = parseMessage(commit.message);
    const hits = new DetectionSet();
    const authorAgent = this.matchIdentity(commit.author, 'author', hits);
    this.matchIdentity(commit.committer, 'committer', hits);
    for (const trailer of parsed.trailers) {
      if (CO_AUTHOR_KEYS.has(trailer.keyLower)) {
        const identity = parseIdentity(trailer.value);
        if (identity) this.matchIdentity(identity, 'co-author', hits, trailer.text);
      }
      for (const sig of this.byTrailerKey.get(trailer.keyLower) ?? []) {
        if (sig.valueRe && !sig.valueRe.test(trailer.value)) continue;
        const named = namedBy(sig.def, trailer.value);
        if (!named) continue;
        hits.add(sig.def, named, evidence('trailer', trailer.text, sig.def.id), sig.modelRe, trailer.value);
      }
    }
    this.matchBodyCoAuthors(parsed, hits);
    for (const sig of this.subjects) {
      if (sig.textRe?.test(parsed.subject)) hits.addFixed(sig, evidence('subject', parsed.subject, sig.def.id), parsed.subject);
    }
    for (const paragraph of parsed.paragraphs) {
      for (const sig of this.paragraphs) {
        if (sig.textRe?.test(paragraph)) hits.addFixed(sig, evidence('message', paragraph, sig.def.id), paragraph);
      }
      // Splitting every paragraph into lines is most of a commit's cost; the gate rules out nearly all of them at once.
      const lines = this.lineGateFor().test(paragraph) ? [...this.lines, ...this.configLines] : this.configLines;
      if (lines.length === 0) continue;
      for (const line of paragraph.split('\n')) {
        for (const sig of lines) {
          if (sig.textRe?.test(line)) hits.addFixed(sig, evidence('message', line, sig.def.id), line);
        }
      }
    }
    // A bot that is an agent (claude[bot]) is not automation as well.
    const automation = authorAgent ? [] : [...new Set(hits.automation)].sort();
    return { detections: hits.detections(), automation, parsed };
  }

  /**
   * `Co-authored-by:` lines of an agent above the final trailer block: a GitHub squash keeps each squashed commit's
   * trailers in its body (`* subject … Co-Authored-By: Claude <noreply@anthropic.com>`), and agents' commits often end
   * with a link after their trailers (a transcript, a session). git does not read them as trailers; a careful reader
   * does. In a paragraph of trailers only (`Key: value` lines: prose that mentions the line is not one), never indented
   * or quoted, an agent's identity only (no automation, no person), inferred.
   */
  private matchBodyCoAuthors(parsed: ParsedMessage, hits: DetectionSet): void {
    const seen = new Set(parsed.trailers.map((t) => t.text));
    for (const paragraph of parsed.paragraphs) {
      if (!/^co-(?:authored|developed)-by:/im.test(paragraph)) continue;
      const lines = paragraph.split('\n');
      // GitHub's closing keywords (`Fixes #14404`) sit among trailers as often as below them.
      if (!lines.every((l) => /^[A-Za-z0-9][A-Za-z0-9-]*:\s/.test(l) || /^(?:fix(?:es|ed)?|close[sd]?|resolve[sd]?)\s+[\w./-]*#\d+$/i.test(l))) continue;
      for (const line of lines) {
        // The same keys as the trailer block's co-authors.
        const m = /^([A-Za-z0-9-]+):\s*(.+)$/.exec(line);
        if (!m || !CO_AUTHOR_KEYS.has((m[1] ?? '').toLowerCase()) || seen.has(line)) continue;
        const identity = parseIdentity(m[2] ?? '');
        if (identity) this.matchIdentity(identity, 'co-author', hits, line, true);
      }
    }
  }

  /** Returns true when the identity matched an agent signature; `body`: a co-author line outside the trailers (inferred, never automation). */
  private matchIdentity(identity: Identity, role: IdentityRole, hits: DetectionSet, text?: string, body = false): boolean {
    // An author or committer that matched nothing once matches nothing again: most commits' identities, remembered.
    const plain = text === undefined && !body ? `${role}\u0000${identity.email}\u0000${identity.name}` : undefined;
    if (plain !== undefined && this.unmatched.has(plain)) return false;
    let touched = false;
    const email = identity.email.toLowerCase();
    let agentMatched = false;
    const patterns = this.gated(`${identity.email}\n${identity.name}`) ? this.identityPatterns : undefined;
    for (const candidates of [this.byEmail.get(email), patterns, this.configIdentityPatterns]) {
      if (!candidates) continue;
      for (const sig of candidates) {
        if (!sig.roles.has(role)) continue;
        if (sig.email !== undefined && sig.email !== email) continue;
        if (sig.emailRe && !sig.emailRe.test(identity.email)) continue;
        if (sig.nameRe && !sig.nameRe.test(identity.name)) continue;
        touched = true;
        const shown = text ?? formatIdentity(identity);
        if (body) {
          if (sig.def.automation === undefined)
            hits.addFixed({ ...sig, def: { ...sig.def, confidence: 'inferred' } }, evidence(role, shown, `${sig.def.id} (in the message body)`), identity.name);
          continue;
        }
        if (sig.def.automation !== undefined) {
          // A bot's own name, where the address pattern captures it (`(?<name>…)[bot]@…`).
          hits.automation.push(sig.emailRe?.group(identity.email, 'name') ?? sig.def.automation);
          continue;
        }
        hits.addFixed(sig, evidence(role, shown, sig.def.id), identity.name);
        agentMatched = true;
      }
    }
    if (plain !== undefined && !touched && this.unmatched.size < GATE_MEMORY) this.unmatched.add(plain);
    return agentMatched;
  }

  /** Authors and committers (role, address, name) that matched no signature. */
  private readonly unmatched = new Set<string>();

  /**
   * Whether any identity pattern may match "email\nname": the gate, remembered by identity, since a history has
   * few authors and committers and many commits (the gate is one regular expression over every pattern).
   */
  private gated(key: string): boolean {
    let open = this.gateSeen.get(key);
    if (open === undefined) {
      open = this.gate().test(key);
      if (this.gateSeen.size < GATE_MEMORY) this.gateSeen.set(key, open);
    }
    return open;
  }

  private readonly gateSeen = new Map<string, boolean>();

  private gate(): RegExp {
    if (!this.patternGate) {
      const alternatives = this.identityPatterns.map((c) => {
        // The gate runs on "email\nname" in multiline mode, so each pattern's ^ and $ keep their meaning.
        const email = c.emailRe ? `(?:^[^\\n]*?(?:${c.emailRe.source})[^\\n]*\\n)` : '';
        const name = c.nameRe ? `(?:\\n[^\\n]*?(?:${c.nameRe.source}))` : '';
        // Both parts must hold when both are given, but the gate only has to let every real match through.
        return email || name;
      });
      this.patternGate = alternatives.length === 0 ? /(?!)/u : new RegExp(alternatives.join('|'), 'imu');
    }
    return this.patternGate;
  }

  /**
   * One multiline regex that a paragraph holding a line any built-in line
   * pattern matches must match: ^ and $ hold at each line's ends, as they do
   * on the line alone.
   */
  private lineGateFor(): RegExp {
    this.lineGate ??= this.lines.length === 0 ? /(?!)/u : new RegExp(this.lines.map((c) => `(?:${c.def.line ?? '(?!)'})`).join('|'), 'mu');
    return this.lineGate;
  }

  private add(def: SignatureDef, configured: boolean): void {
    const compile = (source: string, flags: PatternFlags = {}): Pattern =>
      configured ? linearPattern(source, flags) : nativePattern(new RegExp(source, flags.ignoreCase ? 'iu' : 'u'));
    const compiled: Compiled = { def, roles: new Set(def.identity?.roles ?? DEFAULT_ROLES) };
    if (def.model) compiled.modelRe = compile(def.model);
    if (def.identity) {
      const { email, emailPattern, namePattern } = def.identity;
      if (emailPattern) compiled.emailRe = compile(emailPattern, { ignoreCase: true });
      if (namePattern) compiled.nameRe = compile(namePattern);
      if (email !== undefined) {
        compiled.email = email.toLowerCase();
        push(this.byEmail, compiled.email, compiled);
      } else if (configured) {
        this.configIdentityPatterns.push(compiled);
      } else {
        this.identityPatterns.push(compiled);
        this.patternGate = undefined;
      }
    } else if (def.trailer) {
      if (def.trailer.value) compiled.valueRe = compile(def.trailer.value);
      push(this.byTrailerKey, def.trailer.key.toLowerCase(), compiled);
    } else if (def.subject !== undefined) {
      compiled.textRe = compile(def.subject);
      this.subjects.push(compiled);
    } else if (def.line !== undefined) {
      compiled.textRe = compile(def.line);
      if (configured) this.configLines.push(compiled);
      else {
        this.lines.push(compiled);
        this.lineGate = undefined;
      }
    } else if (def.paragraph !== undefined) {
      compiled.textRe = compile(def.paragraph);
      this.paragraphs.push(compiled);
    }
  }
}

function namedBy(def: SignatureDef, value: string): NamedAgent | undefined {
  switch (def.trailer?.names) {
    case 'agent':
      return readAgentName(value, def.trailer.knownOnly);
    case 'assisted-by':
      return readAssistedBy(value);
    default:
      return def.agent ? { agent: def.agent } : undefined;
  }
}

function evidence(kind: Evidence['kind'], text: string, source: string): Evidence {
  return { kind, text, source };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Detections keyed by agent (and name, for `other`), merging evidence from every signature that fired. */
export class DetectionSet {
  readonly automation: string[] = [];
  private readonly byKey = new Map<string, Detection>();

  addFixed(sig: Compiled, ev: Evidence, modelSource: string): void {
    if (!sig.def.agent) return;
    this.add(sig.def, { agent: sig.def.agent, ...(sig.def.name ? { name: sig.def.name } : {}) }, ev, sig.modelRe, modelSource);
  }

  add(def: SignatureDef, named: NamedAgent, ev: Evidence, modelRe: Pattern | undefined, modelSource: string): void {
    const model = named.model ?? (modelRe ? extractModel(modelRe, modelSource) : undefined);
    this.put({
      agent: named.agent,
      ...((named.name ?? def.name) ? { name: named.name ?? def.name } : {}),
      ...(model ? { model } : {}),
      confidence: def.confidence ?? 'declared',
      role: def.role ?? 'author',
      evidence: [ev],
    });
  }

  put(detection: Detection): void {
    const key = `${detection.agent}\u0000${detection.role}\u0000${detection.agent === 'other' ? (detection.name ?? '') : ''}`;
    const existing = this.byKey.get(key);
    if (!existing) {
      this.byKey.set(key, { ...detection, evidence: [...detection.evidence] });
      return;
    }
    existing.evidence.push(...detection.evidence);
    if (detection.confidence === 'declared') existing.confidence = 'declared';
    if (!existing.model && detection.model) existing.model = detection.model;
    if (!existing.name && detection.name) existing.name = detection.name;
  }

  /**
   * A recorder (Entire) is evidence about an agent, not an agent, when it
   * names the agent (`Entire-Agent: Claude Code`): its evidence joins that
   * agent's detection. One that names none stays (an agent wrote it, which
   * one is not said).
   */
  detections(): Detection[] {
    const all = [...this.byKey.values()];
    const out = all.filter((d) => {
      const naming = RECORDERS.get(d.agent);
      if (naming === undefined || d.role !== 'author') return true;
      const named = all.find((o) => o !== d && o.role === 'author' && !RECORDERS.has(o.agent) && o.evidence.some((e) => e.source === naming));
      if (!named) return true;
      named.evidence.push(...d.evidence);
      return false;
    });
    return out.sort(compareDetections);
  }
}

/** Recorders, by the signature through which each names the agent it recorded. */
const RECORDERS = new Map<string, string>([['entire', 'entire/agent']]);

function extractModel(re: Pattern, text: string): string | undefined {
  const model = re.group(text, 'model');
  return model === undefined ? undefined : normalizeModel(model);
}

const ROLE_ORDER: Record<DetectionRole, number> = { 'author': 0, 'review-suggestion': 1 };

function compareDetections(a: Detection, b: Detection): number {
  return ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || compareStrings(a.agent, b.agent) || compareStrings(a.name ?? '', b.name ?? '');
}

export type { AgentId };

/** The built-in table plus a config's own signatures; a pattern the linear-time engine cannot run is a ConfigError. */
export function engineFor(config: { signatures?: readonly SignatureDef[] }): SignatureEngine {
  try {
    return new SignatureEngine(BUILTIN_SIGNATURES, config.signatures ?? []);
  } catch (error) {
    if (error instanceof PatternSyntaxError) throw new ConfigError('CONFIG_INVALID', `signatures: ${error.message}`, { cause: error });
    throw error;
  }
}
