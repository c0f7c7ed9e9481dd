import { beforeAll, describe, expect, it } from 'vitest';
import { git, linearRepo, T0 } from '../../fixtures/repos.js';
import { tempDir } from '../helpers.js';
import { runCli } from './run-cli.js';

let repo: string;
let shas: string[];

beforeAll(async () => {
  repo = await tempDir();
  // Ten commits a minute apart from T0, every third co-authored by Claude Code.
  shas = await linearRepo(repo, 10);
  git(repo, 'tag', 'v1', shas[4] ?? '');
});

/** The time of commit i as a date `--since` takes. */
const timeOf = (i: number): string => new Date((T0 + i * 60) * 1000).toISOString();

describe('--since means one thing everywhere: a point in the history, as a date or a revision', () => {
  it('report: a revision is its commit time', async () => {
    const json = async (since: string) => {
      const r = await runCli(['report', '--repo', repo, '--format', 'json', '--since', since]);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as { totals: { commits: number } };
    };
    const byRevision = await json('v1');
    const byDate = await json(timeOf(4));
    expect(byRevision.totals).toEqual(byDate.totals);
    expect(byRevision.totals.commits).toBeLessThan((await json('2000-01-01')).totals.commits);
  });

  it('blame and bom: a date is the newest commit before it', async () => {
    const blame = async (since: string) => {
      const r = await runCli(['blame', '--repo', repo, '--format', 'json', '--since', since]);
      expect(r.code, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as { totals: unknown }).totals;
    };
    // Just after commit 4: the newest commit before the date is commit 4, as v1 names it.
    expect(await blame(new Date((T0 + 4 * 60 + 30) * 1000).toISOString())).toEqual(await blame('v1'));
    // Before the first commit: the whole history.
    const whole = await runCli(['blame', '--repo', repo, '--format', 'json']);
    expect(await blame('2000-01-01')).toEqual((JSON.parse(whole.stdout) as { totals: unknown }).totals);
    expect(await blame('2000-01-01')).not.toEqual(await blame(shas[0] ?? ''));
    const bom = await runCli(['bom', '--repo', repo, '--since', '2000-01-01', '--reproducible']);
    expect(bom.code, bom.stderr).toBe(0);
  });

  it('neither a date nor a revision: one line, exit 2', async () => {
    const r = await runCli(['report', '--repo', repo, '--format', 'json', '--since', 'last-tuesday']);
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toBe('aiprov: --since last-tuesday: neither a date (YYYY-MM-DD, or ISO 8601 with a time) nor a revision of the repository\n');
  });
});
