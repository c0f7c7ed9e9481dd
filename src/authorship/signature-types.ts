import type { AgentId } from './agents.js';

export type Confidence = 'declared' | 'inferred';
export type IdentityRole = 'author' | 'committer' | 'co-author';
/** `author`: the agent wrote content of the commit; `review-suggestion`: a reviewer bot's suggestion was applied. */
export type DetectionRole = 'author' | 'review-suggestion';

/**
 * One row of the signature table. The built-in table and the `signatures:`
 * of `.aiprov.yml` share this shape (schemas/config.schema.json) and the one
 * engine that matches them. Exactly one of the matchers (identity, trailer,
 * subject, line, paragraph) is set.
 */
export interface SignatureDef {
  id: string;
  /** The agent a match means; absent when `automation` is set. */
  agent?: AgentId;
  /** A non-AI bot (dependabot, renovate…): reported apart from AI and humans. */
  automation?: string;
  /** Display name, kept on detections of agent `other`. */
  name?: string;
  confidence?: Confidence;
  role?: DetectionRole;
  /** Regular expression with a named group `model`, run on the matched text (identity name, trailer value, or matched line). */
  model?: string;
  identity?: {
    /** Exact address, compared case-insensitively. */
    email?: string;
    emailPattern?: string;
    namePattern?: string;
    /** Where the identity may stand; default author and co-author (`Co-authored-by`, `Co-developed-by`). */
    roles?: IdentityRole[];
  };
  trailer?: {
    key: string;
    /** Regular expression the value must match. */
    value?: string;
    /**
     * `agent`: the value names an agent (`Made-with: Cursor`); `assisted-by`:
     * the kernel's `AGENT:MODEL [TOOL…]`. Unknown names become agent `other`
     * with the name kept, unless `knownOnly`.
     */
    names?: 'agent' | 'assisted-by';
    knownOnly?: boolean;
  };
  subject?: string;
  /** Regular expression one whole line of the body must match. */
  line?: string;
  /** Regular expression one whole paragraph of the body must match. */
  paragraph?: string;
}
