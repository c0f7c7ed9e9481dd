import type { Log, Result } from 'sarif';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FindingsRepo } from '../../fixtures/findings-repo.js';
import { attributeFindings } from '../../src/findings/findings.js';
import { parseSarif } from '../../src/findings/sarif.js';
import type { AiprovError } from '../../src/kernel/errors.js';
import { ctx, tempDir } from '../helpers.js';
import { importHistory } from '../../src/git/fast-import.js';
import { commitAt, initRepo } from '../../fixtures/repos.js';
import { scannedFixture } from './scanners.js';

let repo: FindingsRepo;
let eslint: string;
let flawfinder: string;
beforeAll(async () => {
  ({ repo, eslint, flawfinder } = await scannedFixture());
});

const edit = (text: string, change: (log: Log) => void): string => {
  const log = JSON.parse(text) as Log;
  change(log);
  return JSON.stringify(log);
};
const attribute = async (text: string, options: { rev?: string; sourceRoot?: string } = {}, name = 'scan.sarif') =>
  (await attributeFindings({ context: await ctx(repo.dir), inputs: [parseSarif(text, name)], ...options })).report;
const firstRun = (log: Log) => log.runs[0] as NonNullable<Log['runs'][number]>;
const results = (log: Log): Result[] => firstRun(log).results ?? [];

describe('where a result is: base ids, the checkout the scanner saw, what lies outside', () => {
  it("resolves flawfinder's SRCROOT base id, defined nowhere, from the repository's root (as code scanning does)", async () => {
    const report = await attribute(flawfinder);
    expect(report.findings.map((f) => f.path).sort()).toEqual(['native/copy.c', 'native/fmt.c']);
  });

  it('resolves a base id through originalUriBaseIds and the base the version control provenance maps the repository to', async () => {
    const ci = edit(flawfinder, (log) => {
      const run = firstRun(log);
      run.originalUriBaseIds = { CHECKOUT: { uri: 'file:///ci/work/app/' }, SRCROOT: { uri: 'native/', uriBaseId: 'CHECKOUT' } };
      run.versionControlProvenance = [{ repositoryUri: 'https://example.com/app.git', mappedTo: { uriBaseId: 'CHECKOUT' } }];
      for (const r of results(log)) {
        const location = r.locations?.[0]?.physicalLocation?.artifactLocation;
        if (location) location.uri = location.uri?.replace(/^native\//, '');
      }
    });
    const report = await attribute(ci);
    expect(report.findings.map((f) => [f.path, f.class])).toEqual([
      ['native/copy.c', 'ai'],
      ['native/fmt.c', 'no-agent'],
    ]);
  });

  it('maps absolute URIs of another checkout with --source-root, and counts them apart (not dropped) without it', async () => {
    const moved = eslint.replaceAll(`file://${repo.dir}/`, 'file:///home/runner/work/app/app/');
    const without = await attribute(moved);
    expect(without.findings).toEqual([]);
    expect(without.totals.apart).toEqual({ 'outside-repository': 6 });
    const mapped = await attribute(moved, { sourceRoot: '/home/runner/work/app/app' });
    expect(mapped.findings).toHaveLength(5);
    expect(mapped.totals.apart).toEqual({ 'not-in-tree': 1 });
  });

  it('counts apart, by reason, results without a place, with no line, past the end, suppressed, not failures, or naming a file through a raw line break', async () => {
    const text = edit(flawfinder, (log) => {
      const [copy, fmt] = results(log) as [Result, Result];
      const extra = (change: (r: Result) => void): Result => {
        const r = structuredClone(copy);
        change(r);
        return r;
      };
      firstRun(log).results = [
        copy,
        fmt,
        extra((r) => (r.locations = [{ logicalLocations: [{ fullyQualifiedName: 'copy' }] }])),
        extra((r) => delete r.locations?.[0]?.physicalLocation?.region),
        extra((r) => ((r.locations?.[0]?.physicalLocation?.region as { startLine: number }).startLine = 999)),
        extra((r) => (r.suppressions = [{ kind: 'inSource' }])),
        extra((r) => (r.suppressions = [{ kind: 'external', status: 'rejected' }])),
        extra((r) => (r.kind = 'pass')),
        extra((r) => (r.baselineState = 'absent')),
        extra((r) => ((r.locations?.[0]?.physicalLocation?.artifactLocation as { uri: string }).uri = 'native/copy.c\nnative/fmt.c')),
        extra((r) => ((r.locations?.[0]?.physicalLocation?.artifactLocation as { uri: string }).uri = 'https://example.com/copy.c')),
        extra((r) => ((r.locations?.[0]?.physicalLocation?.artifactLocation as { uri: string }).uri = '../../etc/passwd')),
        // A region running far past the end of the file ends where the file does.
        extra((r) => ((r.locations?.[0]?.physicalLocation?.region as { endLine: number }).endLine = 1_000_000_000)),
      ];
    });
    const report = await attribute(text);
    expect(report.totals).toMatchObject({ results: 13, attributed: 4 });
    expect(report.totals.apart).toEqual({
      'no-location': 1,
      'no-region': 1,
      'beyond-end': 1,
      'suppressed': 1,
      'not-a-failure': 1,
      'absent': 1,
      'bad-uri': 1,
      'outside-repository': 2,
    });
    expect(report.findings.find((f) => f.endLine === 1_000_000_000)?.lines).toEqual({ ai: 2, noAgent: 0 });
  });
});

describe('file names as git keeps them', () => {
  it('finds a file whose name holds a line break through its percent-encoded URI, and only through it', async () => {
    const dir = await tempDir();
    initRepo(dir);
    await importHistory(dir, [
      commitAt(0, 'Odd names\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n', { files: { 'a\nb.c': 'int x;\nint y;\n', 'ab.c': 'int z;\n' } }),
    ]);
    const log = (uri: string) =>
      JSON.stringify({
        version: '2.1.0',
        runs: [
          {
            tool: { driver: { name: 't' } },
            results: [{ ruleId: 'r', message: { text: 'm' }, locations: [{ physicalLocation: { artifactLocation: { uri }, region: { startLine: 2 } } }] }],
          },
        ],
      });
    const run = async (uri: string) => (await attributeFindings({ context: await ctx(dir), inputs: [parseSarif(log(uri), 'odd.sarif')] })).report;
    expect((await run('a%0Ab.c')).findings.map((f) => [f.path, f.startLine, f.agent])).toEqual([['a\nb.c', 2, 'claude-code']]);
    // A raw line break would be dropped by URL parsing and name ab.c, a file of one line: counted apart instead.
    expect((await run('a\nb.c')).apart.map((a) => a.reason)).toEqual(['bad-uri']);
  });
});

describe('which revision: the logs say, --rev says, or HEAD, and a disagreement is an error naming both', () => {
  const at = (sha: string) =>
    edit(eslint, (log) => {
      firstRun(log).versionControlProvenance = [{ repositoryUri: 'https://example.com/app.git', revisionId: sha }];
    });

  it("attributes at the revision the log names: before the rename, the helpers' file had its old name", async () => {
    const report = await attribute(at(repo.shas[3] ?? ''));
    expect(report).toMatchObject({ rev: repo.shas[3], revisionFrom: 'sarif' });
    expect(
      report.apart
        .filter((a) => a.reason === 'not-in-tree')
        .map((a) => a.uri)
        .sort(),
    ).toEqual(['lib/ai-helpers.js', 'lib/ai-helpers.js', 'scratch.js']);
  });

  it('refuses --rev when the log names another revision, logs of two revisions, and a revision the clone does not have', async () => {
    const head = (repo.shas[4] ?? '').slice(0, 12);
    expect(await caught(attribute(at(repo.shas[3] ?? ''), { rev: 'HEAD' }))).toEqual([
      'SARIF_REVISION_MISMATCH',
      `--rev HEAD is ${head} but scan.sarif describes revision ${repo.shas[3] ?? ''} (versionControlProvenance)`,
    ]);
    const context = await ctx(repo.dir);
    const two = attributeFindings({ context, inputs: [parseSarif(at(repo.shas[3] ?? ''), 'a.sarif'), parseSarif(at(repo.shas[4] ?? ''), 'b.sarif')] });
    expect(await caught(two)).toEqual([
      'SARIF_REVISION_MISMATCH',
      `a.sarif describes revision ${repo.shas[3] ?? ''} but b.sarif describes ${repo.shas[4] ?? ''}: give logs of one revision`,
    ]);
    const unknown = '0123456789abcdef0123456789abcdef01234567';
    expect((await caught(attribute(at(unknown))))[1]).toBe(
      `scan.sarif describes revision ${unknown} (versionControlProvenance), which is not a commit of this repository: fetch it, or give the log of a revision it has`,
    );
    expect(await caught(attribute(at('--output=/tmp/x')))).toEqual([
      'SARIF_INVALID',
      'scan.sarif: versionControlProvenance revisionId "--output=/tmp/x" is not a commit id',
    ]);
  });
});

/** The code and message of the error a promise fails with. */
async function caught(promise: Promise<unknown>): Promise<[string, string]> {
  try {
    await promise;
  } catch (error) {
    return [(error as AiprovError).code, (error as Error).message];
  }
  throw new Error('expected an error');
}

describe('a log that cannot be read whole is refused by name', () => {
  it.each([
    ['{', /^bad\.sarif: not JSON/],
    ['{"version":"2.0.0","runs":[]}', /^bad\.sarif: SARIF version "2\.0\.0"; aiprov reads 2\.1\.0/],
    ['{"version":"2.1.0"}', /^bad\.sarif: runs is not an array/],
    ['{"version":"2.1.0","runs":[{"tool":{"driver":{}}}]}', /^bad\.sarif: runs\[0\]\.tool\.driver\.name is not a string/],
    [
      '{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a"},"region":{"startLine":0}}}]}]}]}',
      /^bad\.sarif: runs\[0\]\.results\[0\]\.locations\[0\]\.physicalLocation\.region\.startLine is not a positive integer/,
    ],
    [`${'['.repeat(5000)}${']'.repeat(5000)}`, /^bad\.sarif: nested too deep/],
  ])('%#', (text, message) => {
    expect(() => parseSarif(text, 'bad.sarif')).toThrow(message);
  });
});
