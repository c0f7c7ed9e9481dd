import { hierarchy, treemap, treemapSquarify } from 'd3-hierarchy';
import type { TreeNode } from '../dashboard/types.js';
import { count, esc, percent } from './html.js';

/**
 * The dashboard's charts, as SVG made when the page is built: they need no
 * script to show, print as they look, and take their colours from the page's
 * stylesheet (so dark mode and print restyle them). Layouts that are real
 * work come from d3 (the treemap's squarified layout); bars are arithmetic.
 */

export interface BarSeries {
  key: string;
  /** A class of the page's stylesheet that colours it (`c0`…, `human`, `pass`, …). */
  cls: string;
  label: string;
}

export interface Bar {
  label: string;
  values: Record<string, number>;
}

const W = 960;
const H = 260;
const PAD = { top: 12, right: 12, bottom: 36, left: 48 };

/** Stacked bars, one per period; with `percent`, each bar is the whole of its period (a period with nothing is left empty). */
export function stackedBars(options: {
  id: string;
  title: string;
  bars: readonly Bar[];
  series: readonly BarSeries[];
  percent: boolean;
  unit: string;
}): string {
  const { bars, series } = options;
  const totals = bars.map((b) => series.reduce((n, s) => n + (b.values[s.key] ?? 0), 0));
  // Counts get whole-number ticks: four steps of a whole size.
  const max = options.percent ? 1 : 4 * Math.ceil(Math.max(1, ...totals) / 4);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const step = plotW / Math.max(1, bars.length);
  const barW = Math.max(1, step * 0.8);
  const out: string[] = [];
  for (const [i, bar] of bars.entries()) {
    const total = totals[i] ?? 0;
    if (total === 0) continue;
    let y = PAD.top + plotH;
    const x = PAD.left + i * step + (step - barW) / 2;
    const tip: string[] = [`${bar.label}: ${count(total)} ${options.unit}`];
    for (const s of series) {
      const v = bar.values[s.key] ?? 0;
      if (v === 0) continue;
      const h = (options.percent ? v / total : v / max) * plotH;
      y -= h;
      out.push(`<rect class="${s.cls}" x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}"/>`);
      tip.push(`${s.label} ${count(v)}${options.percent ? ` (${percent(v / total)})` : ''}`);
    }
    out.push(
      `<rect class="hit" x="${(PAD.left + i * step).toFixed(1)}" y="${PAD.top}" width="${step.toFixed(1)}" height="${plotH}"><title>${esc(tip.join('\n'))}</title></rect>`,
    );
  }
  const axis: string[] = [];
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    const y = PAD.top + plotH - t * plotH;
    const label = options.percent ? `${t * 100}%` : count(Math.round(t * max));
    axis.push(
      `<line class="grid" x1="${PAD.left}" x2="${W - PAD.right}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}"/><text class="tick" x="${PAD.left - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end">${label}</text>`,
    );
  }
  // Label about ten periods, evenly, so long histories stay legible.
  const every = Math.max(1, Math.ceil(bars.length / 10));
  for (const [i, bar] of bars.entries()) {
    if (i % every !== 0) continue;
    axis.push(`<text class="tick" x="${(PAD.left + i * step + step / 2).toFixed(1)}" y="${H - PAD.bottom + 16}" text-anchor="middle">${esc(bar.label)}</text>`);
  }
  return `<svg id="${options.id}" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${options.id}-title" preserveAspectRatio="xMinYMin meet"><title id="${options.id}-title">${esc(options.title)}</title>${axis.join('')}${out.join('')}</svg>`;
}

/** A share from 0 to 1 as one of five classes of the stylesheet's sequential scale. */
export function shareClass(share: number): string {
  return `t${Math.min(4, Math.floor(share * 5))}`;
}

const TW = 960;
const TH = 480;

/**
 * The tree as a squarified treemap, each file's area its lines and its
 * colour its AI share; files a high or critical risk rule covers carry a
 * hatched outline. Top-level directories are outlined and named.
 */
export function treemapChart(options: { id: string; title: string; tree: TreeNode }): string {
  const root = hierarchy<TreeNode>(options.tree, (d) => d.children)
    .sum((d) => (d.children ? 0 : Math.max(d.lines, 0)))
    .sort((a, b) => (b.value ?? 0) - (a.value ?? 0));
  const laid = treemap<TreeNode>()
    .tile(treemapSquarify)
    .size([TW, TH])
    .paddingInner(1)
    .paddingTop((d) => (d.depth === 1 && d.x1 - d.x0 > 60 ? 14 : 0))
    .round(true)(root);
  const cells: string[] = [];
  for (const leaf of laid.leaves()) {
    const { x0, y0, x1, y1, data } = leaf;
    const w = x1 - x0;
    const h = y1 - y0;
    if (w < 1 || h < 1 || data.lines === 0) continue;
    const s = data.lines === 0 ? 0 : data.aiLines / data.lines;
    const risky = data.risk === 'high' || data.risk === 'critical';
    const tip = `${data.path}\n${count(data.aiLines)} of ${count(data.lines)} lines by AI (${percent(s)})${data.rules ? `\nrisk: ${data.risk ?? ''} (${data.rules.join(', ')})` : ''}`;
    cells.push(`<rect class="${shareClass(s)}${risky ? ' risky' : ''}" x="${x0}" y="${y0}" width="${w}" height="${h}"><title>${esc(tip)}</title></rect>`);
    if (risky) cells.push(`<rect class="hatched" fill="url(#hatch)" x="${x0}" y="${y0}" width="${w}" height="${h}"/>`);
    if (w > 70 && h > 16) cells.push(`<text class="cell on-${shareClass(s)}" x="${x0 + 3}" y="${y0 + 12}">${esc(clip(data.name, Math.floor(w / 7)))}</text>`);
  }
  for (const dir of laid.children ?? []) {
    if (!dir.children) continue;
    const w = dir.x1 - dir.x0;
    cells.push(`<rect class="dir" x="${dir.x0}" y="${dir.y0}" width="${w}" height="${dir.y1 - dir.y0}"/>`);
    if (w > 60) cells.push(`<text class="dirname" x="${dir.x0 + 3}" y="${dir.y0 + 11}">${esc(clip(`${dir.data.name}/`, Math.floor(w / 7)))}</text>`);
  }
  return (
    `<svg id="${options.id}" viewBox="0 0 ${TW} ${TH}" role="img" aria-labelledby="${options.id}-title" preserveAspectRatio="xMinYMin meet"><title id="${options.id}-title">${esc(options.title)}</title>` +
    `<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" class="hatch"/></pattern></defs>${cells.join('')}</svg>`
  );
}

function clip(text: string, chars: number): string {
  return text.length <= chars ? text : `${text.slice(0, Math.max(1, chars - 1))}…`;
}
