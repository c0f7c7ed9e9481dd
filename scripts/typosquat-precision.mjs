#!/usr/bin/env node
// Precision and recall of the typosquat check, over the shipped popularity
// data: the share of legitimate mid-popular names flagged high (npm ranks
// 10,001-200,000, PyPI ranks 10,001-15,000; targets: at most 0.3%), and the
// share of the typosquat corpus (fixtures/typosquat-corpus.json) caught with
// the right "did you mean" (target: all). Offline: what the check says when
// the registry gives nothing, which is also what it says about most names.
// Runs on the built library: `npm run precision` builds first.
import { readFileSync } from 'node:fs';
import { judgeTyposquat } from '../dist/deps/typosquat/judge.js';
import { shippedPopularity } from '../dist/deps/typosquat/popularity.js';

const now = new Date();
const verbose = process.argv.includes('--verbose');
let failed = false;

for (const [ecosystem, from, to, limit] of [
  ['npm', 10_001, 200_000, 0.003],
  ['pypi', 10_001, 15_000, 0.003],
]) {
  const ranked = shippedPopularity(ecosystem).ranked.slice(from - 1, to);
  const flagged = [];
  let structural = 0;
  for (const name of ranked) {
    if (judgeTyposquat({ ecosystem, name, now, structureOnly: true })) structural++;
    const j = judgeTyposquat({ ecosystem, name, now });
    const popularity = shippedPopularity(ecosystem);
    const share = ecosystem === 'npm' && j ? ` ${popularity.downloads(name)}/${popularity.downloads(j.target)}` : '';
    if (j?.severity === 'high') flagged.push(`${name} -> ${j.target} (${j.how})${share}`);
  }
  const rate = flagged.length / ranked.length;
  if (rate > limit) failed = true;
  console.log(
    `${ecosystem} ranks ${from.toLocaleString('en')}-${Math.min(to, from + ranked.length - 1).toLocaleString('en')}: ${flagged.length} of ${ranked.length.toLocaleString('en')} legitimate names flagged high (${(100 * rate).toFixed(3)}%; target at most ${100 * limit}%)`,
  );
  console.log(`  by structure alone, before established names are cleared: ${structural} (${((100 * structural) / ranked.length).toFixed(2)}%)`);
  if (verbose) for (const line of flagged) console.log(`  ${line}`);
}

const corpus = JSON.parse(readFileSync(new URL('../fixtures/typosquat-corpus.json', import.meta.url), 'utf8')).cases;
const missed = corpus.filter((c) => {
  const j = judgeTyposquat({ ecosystem: c.ecosystem, name: c.name, now });
  return j?.severity !== 'high' || j.target !== c.meant;
});
if (missed.length > 0) failed = true;
console.log(
  `typosquat corpus: ${corpus.length - missed.length} of ${corpus.length} caught with the right "did you mean" (${((100 * (corpus.length - missed.length)) / corpus.length).toFixed(1)}%)`,
);
for (const c of missed)
  console.log(
    `  missed: ${c.ecosystem}:${c.name} (meant ${c.meant}): ${JSON.stringify(judgeTyposquat({ ecosystem: c.ecosystem, name: c.name, now }) ?? null)}`,
  );
process.exit(failed ? 1 : 0);
