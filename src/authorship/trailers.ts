/**
 * Commit trailers parsed the way git parses them (trailer.c): the trailer block
 * is the last paragraph, never the title; it counts when every line in it is a
 * trailer, or when it holds a git-generated trailer (`Signed-off-by: `,
 * `(cherry picked from commit `) and at least 25% of its lines are trailers.
 * Continuation lines (starting with white space) fold into the previous value.
 * Differential tests compare this with `git interpret-trailers --parse`.
 */
export interface Trailer {
  /** The key as written; compare with `keyLower`. */
  key: string;
  keyLower: string;
  value: string;
  /** The trailer as it stands in the message, continuation lines unfolded. */
  text: string;
}

const GIT_GENERATED = ['Signed-off-by: ', '(cherry picked from commit '];
const COMMENT = '#';

export interface ParsedMessage {
  subject: string;
  /** Paragraphs after the title, trimmed, trailer block included. */
  paragraphs: string[];
  trailers: Trailer[];
}

export function parseMessage(message: string): ParsedMessage {
  // The usual one-line message (a scan meets it on most commits): its title alone, what the general case finds too.
  const eol = message.indexOf('\n');
  if ((eol === -1 || eol === message.length - 1) && !message.startsWith(COMMENT)) {
    const line = eol === -1 ? message : message.slice(0, eol);
    if (!isBlank(line)) return { subject: line.trim(), paragraphs: [], trailers: [] };
  }
  const lines = message.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  let titleEnd = 0;
  while (titleEnd < lines.length) {
    const line = lines[titleEnd] ?? '';
    if (!line.startsWith(COMMENT) && isBlank(line)) break;
    titleEnd++;
  }
  const subject = lines
    .slice(0, titleEnd)
    .filter((l) => !l.startsWith(COMMENT))
    .join(' ')
    .trim();
  const blockStart = trailerBlockStart(lines, titleEnd);
  const trailers = blockStart === -1 ? [] : parseBlock(lines.slice(blockStart));
  return { subject, paragraphs: paragraphs(lines.slice(titleEnd)), trailers };
}

function trailerBlockStart(lines: string[], titleEnd: number): number {
  // Trailing blank and comment lines are not part of the message (git's ignored bytes).
  let end = lines.length;
  while (end > titleEnd && (isBlank(lines[end - 1] ?? '') || (lines[end - 1] ?? '').startsWith(COMMENT))) end--;
  let onlySpaces = true;
  let recognizedPrefix = false;
  let trailerLines = 0;
  let nonTrailerLines = 0;
  let possibleContinuation = 0;
  for (let i = end - 1; i >= titleEnd; i--) {
    const line = lines[i] ?? '';
    if (line.startsWith(COMMENT)) {
      nonTrailerLines += possibleContinuation;
      possibleContinuation = 0;
      continue;
    }
    if (isBlank(line)) {
      if (onlySpaces) continue;
      nonTrailerLines += possibleContinuation;
      if (recognizedPrefix && trailerLines * 3 >= nonTrailerLines) return i + 1;
      if (trailerLines > 0 && nonTrailerLines === 0) return i + 1;
      return -1;
    }
    onlySpaces = false;
    if (GIT_GENERATED.some((p) => line.startsWith(p))) {
      trailerLines++;
      possibleContinuation = 0;
      recognizedPrefix = true;
      continue;
    }
    if (separatorAt(line) >= 1 && !isSpace(line.charAt(0))) {
      trailerLines++;
      possibleContinuation = 0;
    } else if (isSpace(line.charAt(0))) {
      possibleContinuation++;
    } else {
      nonTrailerLines += 1 + possibleContinuation;
      possibleContinuation = 0;
    }
  }
  return -1;
}

function parseBlock(block: string[]): Trailer[] {
  const trailers: Trailer[] = [];
  let last: Trailer | undefined;
  for (const line of block) {
    if (line.startsWith(COMMENT) || isBlank(line)) continue;
    if (isSpace(line.charAt(0))) {
      if (last) {
        last.value = `${last.value} ${line.trim()}`.trim();
        last.text = `${last.text} ${line.trim()}`;
      }
      continue;
    }
    const sep = separatorAt(line);
    if (sep >= 1) {
      const key = line.slice(0, sep).trim();
      last = { key, keyLower: key.toLowerCase(), value: line.slice(sep + 1).trim(), text: line.trimEnd() };
      trailers.push(last);
    } else {
      last = undefined;
    }
  }
  return trailers;
}

/** Index of the `:` that ends a token of letters, digits and `-` (white space allowed before it), or -1. */
function separatorAt(line: string): number {
  let whitespaceFound = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charAt(i);
    if (c === ':') return i;
    if (!whitespaceFound && /[A-Za-z0-9-]/.test(c)) continue;
    if (i !== 0 && (c === ' ' || c === '\t')) {
      whitespaceFound = true;
      continue;
    }
    break;
  }
  return -1;
}

function isBlank(line: string): boolean {
  return /^\s*$/.test(line);
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t';
}

function paragraphs(lines: string[]): string[] {
  const result: string[] = [];
  let current: string[] = [];
  for (const line of lines) {
    if (isBlank(line)) {
      if (current.length > 0) result.push(current.join('\n'));
      current = [];
    } else {
      current.push(line.trimEnd());
    }
  }
  if (current.length > 0) result.push(current.join('\n'));
  return result;
}
