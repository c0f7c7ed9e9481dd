/**
 * Text from the repository (subjects, names, models, paths, package names)
 * must not drive the terminal: an OSC sequence retitles the window, `ESC[2J`
 * clears the screen, `\r` and bidi controls hide what a line says. Every
 * human-readable output (table, markdown, messages on stderr) passes through
 * here: control characters (C0 but newline and tab, DEL, C1) and bidi
 * controls become visible escapes (`\x1b`, `\u202e`). The only escape
 * sequences kept are the few SGR codes `style.ts` itself writes (bold, dim,
 * cyan, and their resets), which cannot do more than colour text. JSON and
 * SARIF keep the exact text.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const OWN_SGR = /^\x1b\[(?:1|2|22|36|39)m/;

export function printable(text: string): string {
  return text.replace(CONTROL, (c: string, offset: number) => {
    if (c === '\x1b' && OWN_SGR.test(text.slice(offset, offset + 5))) return c;
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
