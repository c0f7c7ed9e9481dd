#!/usr/bin/env node
// Regenerates the popularity data the typosquat check uses, from the
// workplace package lists (tab-separated: npm's with monthly downloads, PyPI's
// with a download rank for its 15,000 most downloaded projects):
//   data/npm-popularity.txt.br   name<TAB>monthly downloads (two significant
//                                digits), sorted by name: 227,000 names in 1.4 MB
//   data/pypi-popularity.txt.br  name, most downloaded first
// The first 10,000 names of each are the names typosquats imitate; every name
// in the files is known to the check (an established name is not a typosquat of
// another). npm's security holding packages (version `0.0.x-security`: the
// registry replaced malware) are left out: they are known, but not established.
//   node scripts/popular-names.mjs [npm.tsv] [pypi.tsv]
import { readFileSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const dir = '/work/.library/env/packages';
const [npmTsv = `${dir}/npm.tsv`, pypiTsv = `${dir}/pypi.tsv`] = process.argv.slice(2);
const out = (name) => fileURLToPath(new URL(`../data/${name}`, import.meta.url));

function rows(file) {
  const [header, ...lines] = readFileSync(file, 'utf8').split('\n');
  const columns = header.split('\t');
  return lines.filter((l) => l.trim() !== '').map((l) => Object.fromEntries(l.split('\t').map((v, i) => [columns[i], v])));
}

// validate-npm-package-name, legacy names (capitals) included: src/deps/names.ts.
const NPM_NAME = /^(?:@[A-Za-z0-9~][A-Za-z0-9._~-]*\/)?[A-Za-z0-9~][A-Za-z0-9._~-]*$/;
const npmRows = rows(npmTsv).map((r) => ({ name: r.name, version: r.version ?? '', n: Number(r.downloads_a_month) }));
const holding = npmRows.filter((r) => /-security$/.test(r.version)).map((r) => r.name);
const npm = npmRows
  .filter((r) => r.name && Number.isFinite(r.n) && r.n > 0 && NPM_NAME.test(r.name) && r.name.length <= 214 && !/-security$/.test(r.version))
  .sort((a, b) => b.n - a.n || (a.name < b.name ? -1 : 1));

const pypi = rows(pypiTsv)
  .map((r) => ({ name: r.name, rank: Number(r.rank_among_15000_most_downloaded) }))
  .filter((r) => r.name && r.rank > 0)
  .sort((a, b) => a.rank - b.rank || (a.name < b.name ? -1 : 1))
  .map((r) => r.name.toLowerCase());

// Two significant digits are all a ratio of popularity needs, and compress far better.
const rounded = (n) => {
  const unit = 10 ** Math.max(0, Math.floor(Math.log10(n)) - 1);
  return Math.round(n / unit) * unit;
};
const write = (file, text) => writeFileSync(out(file), brotliCompressSync(text, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
write(
  'npm-popularity.txt.br',
  [...npm]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((r) => `${r.name}\t${rounded(r.n)}`)
    .join('\n') + '\n',
);
write('pypi-popularity.txt.br', pypi.join('\n') + '\n');
console.log(`npm: ${npm.length} names (${holding.length} security holding packages left out); pypi: ${pypi.length} names`);
