/**
 * Reads the members of a JSON object without building the values nobody
 * asked for. git-ai notes written before 1.3.4 keep whole conversation
 * transcripts in their metadata (megabytes per note); decoding and parsing
 * them would build every string of them only for aiprov to keep a tool and
 * a model. The bytes are scanned instead: JSON's structural characters are
 * ASCII, and no byte of a multi-byte UTF-8 sequence is, so values are skipped
 * by bracket matching that respects strings, with native searches, and only
 * the values asked for are decoded.
 */

export class JsonSkimError extends Error {}

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COLON = 58;
const COMMA = 44;

/** Calls `member` with each key of the object at `start` and the bounds of its value; returns the index after the object. */
export function skimObject(bytes: Buffer, start: number, member: (key: string, from: number, to: number) => void): number {
  let i = skipSpace(bytes, start);
  if (bytes[i] !== OPEN_BRACE) throw new JsonSkimError(`expected { at ${i}`);
  i = skipSpace(bytes, i + 1);
  if (bytes[i] === CLOSE_BRACE) return i + 1;
  for (;;) {
    if (bytes[i] !== QUOTE) throw new JsonSkimError(`expected a key at ${i}`);
    const keyEnd = skipString(bytes, i);
    const key = JSON.parse(bytes.toString('utf8', i, keyEnd)) as string;
    i = skipSpace(bytes, keyEnd);
    if (bytes[i] !== COLON) throw new JsonSkimError(`expected : at ${i}`);
    const from = skipSpace(bytes, i + 1);
    const to = skipValue(bytes, from);
    member(key, from, to);
    i = skipSpace(bytes, to);
    if (bytes[i] === CLOSE_BRACE) return i + 1;
    if (bytes[i] !== COMMA) throw new JsonSkimError(`expected , or } at ${i}`);
    i = skipSpace(bytes, i + 1);
  }
}

/** The whole of `bytes` is one JSON object (and nothing after it but white space). */
export function skimWhole(bytes: Buffer, member: (key: string, from: number, to: number) => void): void {
  const end = skimObject(bytes, 0, member);
  if (skipSpace(bytes, end) !== bytes.length) throw new JsonSkimError(`unexpected text after the object at ${end}`);
}

/** The value between `from` and `to`, parsed. */
export function valueAt(bytes: Buffer, from: number, to: number): unknown {
  return JSON.parse(bytes.toString('utf8', from, to));
}

function skipSpace(bytes: Buffer, i: number): number {
  let at = i;
  while (at < bytes.length && (bytes[at] === 32 || bytes[at] === 10 || bytes[at] === 13 || bytes[at] === 9)) at++;
  return at;
}

function skipString(bytes: Buffer, start: number): number {
  for (let i = start + 1; ;) {
    const quote = bytes.indexOf(QUOTE, i);
    if (quote === -1) throw new JsonSkimError(`unterminated string at ${start}`);
    let backslashes = 0;
    while (bytes[quote - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    i = quote + 1;
  }
}

function skipValue(bytes: Buffer, start: number): number {
  const c = bytes[start];
  if (c === QUOTE) return skipString(bytes, start);
  if (c === OPEN_BRACE || c === OPEN_BRACKET) {
    let depth = 0;
    for (let i = start; i < bytes.length; i++) {
      const d = bytes[i];
      if (d === QUOTE) i = skipString(bytes, i) - 1;
      else if (d === OPEN_BRACE || d === OPEN_BRACKET) depth++;
      else if (d === CLOSE_BRACE || d === CLOSE_BRACKET) {
        if (--depth === 0) return i + 1;
      }
    }
    throw new JsonSkimError(`unterminated value at ${start}`);
  }
  const m = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(bytes.toString('latin1', start, Math.min(bytes.length, start + 64)));
  if (!m) throw new JsonSkimError(`unexpected value at ${start}`);
  return start + m[0].length;
}
