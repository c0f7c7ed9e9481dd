import type { AddedLines } from './classify.js';

/**
 * Secrets in the lines a change adds, found by secretlint's recommended
 * preset (@secretlint/secretlint-rule-preset-recommend: AWS, GCP, GitHub,
 * GitLab, npm, Slack, OpenAI, Anthropic, private keys, basic-auth URLs,
 * database connection strings, …), a maintained rule set with few false
 * alarms, rather than patterns written here. Only added lines are scanned:
 * a secret already in the base is not this change's doing. Findings are
 * redacted: no part of the secret is kept.
 */
export interface SecretFinding {
  path: string;
  line: number;
  /** The secretlint rule, e.g. `@secretlint/secretlint-rule-github`. */
  rule: string;
  /** What was found, with the secret masked. */
  message: string;
}

type Lint = typeof import('@secretlint/core').lintSource;
let loaded: Promise<{ lint: Lint; config: Parameters<Lint>[0]['options']['config'] }> | undefined;

/** secretlint is loaded on first use: most commands never scan for secrets. */
function secretlint(): NonNullable<typeof loaded> {
  loaded ??= Promise.all([import('@secretlint/core'), import('@secretlint/secretlint-rule-preset-recommend')]).then(([core, preset]) => ({
    lint: core.lintSource,
    config: { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: preset.creator }] },
  }));
  return loaded;
}

/**
 * Lines longer than this are scanned in windows of this length that overlap
 * by OVERLAP characters (secretlint's patterns are not linear-time): any
 * secret shorter than the overlap lies whole in some window, wherever it is on
 * the line. Nothing of a line is left unscanned.
 */
const WINDOW = 8192;
const OVERLAP = 1024;

/** The added lines as the scanned text's lines, long ones cut into overlapping windows, each with the line it came from. */
function windows(lines: readonly { line: number; text: string }[]): { texts: string[]; origin: number[] } {
  const texts: string[] = [];
  const origin: number[] = [];
  for (const { line, text } of lines) {
    if (text.length <= WINDOW) {
      texts.push(text);
      origin.push(line);
      continue;
    }
    for (let start = 0; start < text.length; start += WINDOW - OVERLAP) {
      texts.push(text.slice(start, start + WINDOW));
      origin.push(line);
      if (start + WINDOW >= text.length) break;
    }
  }
  return { texts, origin };
}

export async function scanSecrets(files: readonly AddedLines[]): Promise<SecretFinding[]> {
  const { lint, config } = await secretlint();
  const out: SecretFinding[] = [];
  for (const file of files) {
    if (file.lines.length === 0) continue;
    // The added lines, in order, as one text: a key block added whole stays whole.
    const { texts, origin } = windows(file.lines);
    const content = texts.join('\n');
    const result = await lint({
      source: { filePath: file.path, content, contentType: 'text' },
      options: { config, maskSecrets: true, noPhysicFilePath: true },
    });
    const seen = new Set<string>();
    for (const m of result.messages) {
      if (placeholder(content.slice(m.range[0], m.range[1]))) continue;
      const at = origin[m.loc.start.line - 1] ?? file.lines[0]?.line ?? 1;
      // One finding per rule and line (the npm rule reports an .npmrc token twice, as a token and as an auth line).
      const key = `${m.ruleId}\0${at}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ path: file.path, line: at, rule: m.ruleId, message: redact(m.message) });
    }
  }
  return out;
}

/**
 * A placeholder, not a secret: the preset flags `ghp_XXXX…` as a GitHub
 * token (measured on the test's placeholders). What follows the token's
 * prefix is then one or two characters repeated, or says what it is.
 */
function placeholder(found: string): boolean {
  const body = found.replace(/^[A-Za-z]{2,6}[_-]/, '');
  if (new Set(body.replace(/[^A-Za-z0-9]/g, '')).size <= 2) return true;
  // Words only a placeholder is made of; not "example", which is in real host names (db.example.com).
  return /x{8,}|^(your|my)[_-]|placeholder|changeme|^<.*>$/i.test(body);
}

/** secretlint's mask keeps the secret's length; a fixed mask keeps nothing. */
function redact(message: string): string {
  return message.replace(/\*{4,}/g, '[redacted]');
}
