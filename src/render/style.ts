/**
 * Terminal styling: on for a terminal, or wherever FORCE_COLOR asks for it (a CI log that shows colours); off when
 * NO_COLOR is set (it wins), FORCE_COLOR is 0 or false, or TERM is dumb.
 */
export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  accent(text: string): string;
}

export function makeStyle(isTTY: boolean, env: NodeJS.ProcessEnv): Style {
  const force = env.FORCE_COLOR;
  const forced = force !== undefined && force !== '0' && force.toLowerCase() !== 'false';
  const refused = force === '0' || force?.toLowerCase() === 'false';
  const on = env.NO_COLOR === undefined && !refused && (forced || (isTTY && env.TERM !== 'dumb'));
  const wrap =
    (open: number, close: number) =>
    (text: string): string =>
      on ? `\x1b[${open}m${text}\x1b[${close}m` : text;
  return { bold: wrap(1, 22), dim: wrap(2, 22), accent: wrap(36, 39) };
}

export const plainStyle: Style = makeStyle(false, {});

/** Pads columns to the widest cell; the last column is never padded. */
export function table(rows: string[][], rightAligned: ReadonlySet<number> = new Set()): string[] {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, visibleLength(cell));
    });
  return rows.map((row) =>
    row
      .map((cell, i) => {
        if (i === row.length - 1 && !rightAligned.has(i)) return cell;
        const pad = ' '.repeat((widths[i] ?? 0) - visibleLength(cell));
        return rightAligned.has(i) ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd(),
  );
}

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** User-perceived characters, so emoji and accents count as one column. */
export function graphemes(text: string): string[] {
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

/** Printable ASCII is one column a character: no need to segment it (segmenting thousands of rows costs hundreds of MB). */
const PLAIN = /^[\x20-\x7e]*$/;

function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  const bare = text.replace(/\x1b\[[0-9;]*m/g, '');
  return PLAIN.test(bare) ? bare.length : graphemes(bare).length;
}

export function truncate(text: string, max: number): string {
  if (PLAIN.test(text)) return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
  const chars = graphemes(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
