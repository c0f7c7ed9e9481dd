/**
 * Reads the members of a JSON object without building the values nobody
 * asked for. git-ai notes written before 1.3.4 keep whole conversation
 * transcripts in their metadata (megabytes per note); `JSON.parse` would
 * build every string of them only for aiprov to keep a tool and a model.
 * Values are skipped by bracket matching that respects strings, so a note
 * costs one pass over its text and the few values read.
 */

export class JsonSkimError extends Error {}

/** Calls `member` with each key of the object at `start` and the bounds of its value; returns the index after the object. */
export function skimObject(text: string, start: number, member: (key: string, from: number, to: number) => void): number {
  let i = skipSpace(text, start);
  if (text[i] !== '{') throw new JsonSkimError(`expected { at ${i}`);
  i = skipSpace(text, i + 1);
  if (text[i] === '}') return i + 1;
  for (;;) {
    if (text[i] !== '"') throw new JsonSkimError(`expected a key at ${i}`);
    const keyEnd = skipString(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    i = skipSpace(text, keyEnd);
    if (text[i] !== ':') throw new JsonSkimError(`expected : at ${i}`);
    const from = skipSpace(text, i + 1);
    const to = skipValue(text, from);
    member(key, from, to);
    i = skipSpace(text, to);
    if (text[i] === '}') return i + 1;
    if (text[i] !== ',') throw new JsonSkimError(`expected , or } at ${i}`);
    i = skipSpace(text, i + 1);
  }
}

/** The whole text is one JSON object (and nothing after it but white space). */
export function skimWhole(text: string, member: (key: string, from: number, to: number) => void): void {
  const end = skimObject(text, 0, member);
  if (skipSpace(text, end) !== text.length) throw new JsonSkimError(`unexpected text after the object at ${end}`);
}

function skipSpace(text: string, i: number): number {
  let at = i;
  while (at < text.length && (text[at] === ' ' || text[at] === '\n' || text[at] === '\r' || text[at] === '\t')) at++;
  return at;
}

function skipString(text: string, start: number): number {
  // indexOf runs natively: transcripts are megabytes of string.
  for (let i = start + 1; ;) {
    const quote = text.indexOf('"', i);
    if (quote === -1) throw new JsonSkimError(`unterminated string at ${start}`);
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === 92) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    i = quote + 1;
  }
}

const STRUCTURE = /["{}[\]]/g;

function skipValue(text: string, start: number): number {
  const c = text[start];
  if (c === '"') return skipString(text, start);
  if (c === '{' || c === '[') {
    let depth = 0;
    STRUCTURE.lastIndex = start;
    for (let m = STRUCTURE.exec(text); m; m = STRUCTURE.exec(text)) {
      const d = m[0];
      if (d === '"') STRUCTURE.lastIndex = skipString(text, m.index);
      else if (d === '{' || d === '[') depth++;
      else if (--depth === 0) return m.index + 1;
    }
    throw new JsonSkimError(`unterminated ${c} at ${start}`);
  }
  const m = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(start, start + 64));
  if (!m) throw new JsonSkimError(`unexpected value at ${start}`);
  return start + m[0].length;
}
