import type { CommitRecord, Identity } from '../git/types.js';
import { normalizeModel, type AgentId } from './agents.js';
import { readAgentName, readAssistedBy, type NamedAgent } from './agent-names.js';
import { formatIdentity, parseIdentity } from './identity.js';
import type { DetectionRole, IdentityRole, SignatureDef } from './signature-types.js';
import { BUILTIN_SIGNATURES } from './signatures.js';
import { parseMessage, type ParsedMessage } from './trailers.js';
import type { Detection, Evidence } from './types.js';
import { compareStrings } from '../sorted.js';

interface Compiled {
  def: SignatureDef;
  roles: ReadonlySet<IdentityRole>;
  email?: string;
  emailRe?: RegExp;
  nameRe?: RegExp;
  valueRe?: RegExp;
  textRe?: RegExp;
  modelRe?: RegExp;
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
 */
export class SignatureEngine {
  private readonly byEmail = new Map<string, Compiled[]>();
  private readonly identityPatterns: Compiled[] = [];
  /** One regex that any identity a pattern signature could match must match: most people's identities are ruled out by it alone. */
  private patternGate: RegExp | undefined;
  private readonly byTrailerKey = new Map<string, Compiled[]>();
  private readonly subjects: Compiled[] = [];
  private readonly lines: Compiled[] = [];
  private readonly paragraphs: Compiled[] = [];

  constructor(defs: readonly SignatureDef[]) {
    for (const def of defs) this.add(def);
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
    for (const sig of this.subjects) {
      if (sig.textRe?.test(parsed.subject)) hits.addFixed(sig, evidence('subject', parsed.subject, sig.def.id), parsed.subject);
    }
    if (this.paragraphs.length > 0 || this.lines.length > 0) {
      for (const paragraph of parsed.paragraphs) {
        for (const sig of this.paragraphs) {
          if (sig.textRe?.test(paragraph)) hits.addFixed(sig, evidence('message', paragraph, sig.def.id), paragraph);
        }
        if (this.lines.length === 0) continue;
        for (const line of paragraph.split('\n')) {
          for (const sig of this.lines) {
            if (sig.textRe?.test(line)) hits.addFixed(sig, evidence('message', line, sig.def.id), line);
          }
        }
      }
    }
    // A bot that is an agent (claude[bot]) is not automation as well.
    const automation = authorAgent ? [] : [...new Set(hits.automation)].sort();
    return { detections: hits.detections(), automation, parsed };
  }

  /** Returns true when the identity matched an agent signature. */
  private matchIdentity(identity: Identity, role: IdentityRole, hits: DetectionSet, text?: string): boolean {
    const email = identity.email.toLowerCase();
    let agentMatched = false;
    const gate = this.gate();
    const patterns = gate.test(`${identity.email}\n${identity.name}`) ? this.identityPatterns : undefined;
    for (const candidates of [this.byEmail.get(email), patterns]) {
      if (!candidates) continue;
      for (const sig of candidates) {
        if (!sig.roles.has(role)) continue;
        if (sig.email !== undefined && sig.email !== email) continue;
        let groups: Record<string, string> | undefined;
        if (sig.emailRe) {
          const m = sig.emailRe.exec(identity.email);
          if (!m) continue;
          groups = m.groups;
        }
        if (sig.nameRe && !sig.nameRe.test(identity.name)) continue;
        const shown = text ?? formatIdentity(identity);
        if (sig.def.automation !== undefined) {
          hits.automation.push(groups?.name ?? sig.def.automation);
          continue;
        }
        hits.addFixed(sig, evidence(role, shown, sig.def.id), identity.name);
        agentMatched = true;
      }
    }
    return agentMatched;
  }

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

  private add(def: SignatureDef): void {
    const compiled: Compiled = { def, roles: new Set(def.identity?.roles ?? DEFAULT_ROLES) };
    if (def.model) compiled.modelRe = new RegExp(def.model, 'u');
    if (def.identity) {
      const { email, emailPattern, namePattern } = def.identity;
      if (emailPattern) compiled.emailRe = new RegExp(emailPattern, 'iu');
      if (namePattern) compiled.nameRe = new RegExp(namePattern, 'u');
      if (email !== undefined) {
        compiled.email = email.toLowerCase();
        push(this.byEmail, compiled.email, compiled);
      } else {
        this.identityPatterns.push(compiled);
        this.patternGate = undefined;
      }
    } else if (def.trailer) {
      if (def.trailer.value) compiled.valueRe = new RegExp(def.trailer.value, 'u');
      push(this.byTrailerKey, def.trailer.key.toLowerCase(), compiled);
    } else if (def.subject !== undefined) {
      compiled.textRe = new RegExp(def.subject, 'u');
      this.subjects.push(compiled);
    } else if (def.line !== undefined) {
      compiled.textRe = new RegExp(def.line, 'u');
      this.lines.push(compiled);
    } else if (def.paragraph !== undefined) {
      compiled.textRe = new RegExp(def.paragraph, 'u');
      this.paragraphs.push(compiled);
    }
  }
}

function namedBy(def: SignatureDef, value: string): NamedAgent | undefined {
  switch (def.trailer?.names) {
    case 'agent': return readAgentName(value, def.trailer.knownOnly);
    case 'assisted-by': return readAssistedBy(value);
    default: return def.agent ? { agent: def.agent } : undefined;
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

  add(def: SignatureDef, named: NamedAgent, ev: Evidence, modelRe: RegExp | undefined, modelSource: string): void {
    const model = named.model ?? (modelRe ? extractModel(modelRe, modelSource) : undefined);
    this.put({
      agent: named.agent,
      ...(named.name ?? def.name ? { name: named.name ?? def.name } : {}),
      ...(model ? { model } : {}),
      confidence: def.confidence ?? 'declared',
      role: def.role ?? 'author',
      evidence: [ev],
    });
  }

  put(detection: Detection): void {
    const key = `${detection.agent}\u0000${detection.role}\u0000${detection.agent === 'other' ? detection.name ?? '' : ''}`;
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

  detections(): Detection[] {
    return [...this.byKey.values()].sort(compareDetections);
  }
}

function extractModel(re: RegExp, text: string): string | undefined {
  const model = re.exec(text)?.groups?.model;
  return model === undefined ? undefined : normalizeModel(model);
}

const ROLE_ORDER: Record<DetectionRole, number> = { 'author': 0, 'review-suggestion': 1 };

function compareDetections(a: Detection, b: Detection): number {
  return ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || compareStrings(a.agent, b.agent) || compareStrings(a.name ?? '', b.name ?? '');
}


export type { AgentId };

/** The built-in table plus a config's own signatures. */
export function engineFor(config: { signatures?: readonly SignatureDef[] }): SignatureEngine {
  return new SignatureEngine([...BUILTIN_SIGNATURES, ...(config.signatures ?? [])]);
}
