import type { SqlSession, SqlValue } from '../store/database.js';
import { poissonRate, rateRatio, verdict, type Rate, type RateRatio } from '../findings/stats.js';
import type { Density, KeyedRate } from '../findings/types.js';
import { compareStrings } from '../kernel/sorted.js';

/** The organisation's scanner findings (`collect --sarif`), by who wrote their lines: the densities summed over repositories. */
export interface OrgScanner {
  repositories: number;
  density: Density;
  byAgent: KeyedRate[];
  byModel: KeyedRate[];
  rows: { repo: string; repository: string; rev: string; tools: string[]; ai: Rate; noAgent: Rate; ratio: RateRatio }[];
  /** Findings with AI-written lines, errors first; `shown` capped. */
  inAiLines: {
    total: number;
    shown: { repo: string; repository: string; path: string; startLine: number; tool: string; ruleId: string; level: string; agent: string | null }[];
  };
}

const SHOWN = 200;
type Row = Record<string, SqlValue>;
const num = (v: unknown): number => Number(v ?? 0);
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

/** Null when no repository's findings were collected. */
export async function readOrgScanner(store: SqlSession): Promise<OrgScanner | null> {
  const states = await store.query<Row>(
    'SELECT s.repo, s.rev, s.tools, r.name FROM scanner_state s JOIN repository_state r ON r.repo = s.repo ORDER BY r.name, s.repo',
  );
  if (states.length === 0) return null;
  const counts = await store.query<Row>('SELECT repo, kind, key, findings, lines FROM scanner_counts');
  const at = (repo: unknown, kind: string, key: string): [number, number] => {
    const row = counts.find((c) => c.repo === repo && c.kind === kind && c.key === key);
    return [num(row?.findings), num(row?.lines)];
  };
  const rows = states.map((s) => {
    const [ai, aiLines] = at(s.repo, 'class', 'ai');
    const [other, otherLines] = at(s.repo, 'class', 'no-agent');
    return {
      repo: str(s.repo),
      repository: str(s.name),
      rev: str(s.rev),
      tools: str(s.tools)
        .split(',')
        .filter((t) => t !== ''),
      ai: poissonRate(ai, aiLines),
      noAgent: poissonRate(other, otherLines),
      ratio: rateRatio(ai, aiLines, other, otherLines),
    };
  });
  const sum = (kind: string): Map<string, [number, number]> => {
    const out = new Map<string, [number, number]>();
    for (const c of counts.filter((x) => x.kind === kind)) {
      const [f, l] = out.get(str(c.key)) ?? [0, 0];
      out.set(str(c.key), [f + num(c.findings), l + num(c.lines)]);
    }
    return out;
  };
  const classes = sum('class');
  const [ai, aiLines] = classes.get('ai') ?? [0, 0];
  const [other, otherLines] = classes.get('no-agent') ?? [0, 0];
  const ratio = rateRatio(ai, aiLines, other, otherLines);
  const keyed = (kind: string): KeyedRate[] => [...sum(kind)].sort(([a], [b]) => compareStrings(a, b)).map(([key, [f, l]]) => ({ key, ...poissonRate(f, l) }));
  return {
    repositories: states.length,
    density: {
      ai: poissonRate(ai, aiLines),
      noAgent: poissonRate(other, otherLines),
      ratio,
      verdict:
        aiLines === 0
          ? 'no AI-written lines in the files scanned: nothing to compare'
          : otherLines === 0
            ? 'no lines without an agent in the files scanned: nothing to compare'
            : verdict(ratio),
    },
    byAgent: keyed('agent'),
    byModel: keyed('model'),
    rows,
    inAiLines: await aiFindings(store),
  };
}

async function aiFindings(store: SqlSession): Promise<OrgScanner['inAiLines']> {
  const where = "f.class <> 'no-agent'";
  const total = num((await store.query<Row>(`SELECT COUNT(*) AS n FROM scanner_findings f WHERE ${where}`))[0]?.n);
  const shown = await store.query<Row>(
    `SELECT f.repo, r.name, f.path, f.start_line, f.tool, f.rule_id, f.level, f.agent FROM scanner_findings f JOIN repository_state r ON r.repo = f.repo
     WHERE ${where} ORDER BY CASE f.level WHEN 'error' THEN 0 WHEN 'warning' THEN 1 WHEN 'note' THEN 2 ELSE 3 END, r.name, f.path, f.start_line LIMIT ${SHOWN}`,
  );
  return {
    total,
    shown: shown.map((x) => ({
      repo: str(x.repo),
      repository: str(x.name),
      path: str(x.path),
      startLine: num(x.start_line),
      tool: str(x.tool),
      ruleId: str(x.rule_id),
      level: str(x.level),
      agent: x.agent === null || x.agent === undefined ? null : str(x.agent),
    })),
  };
}
