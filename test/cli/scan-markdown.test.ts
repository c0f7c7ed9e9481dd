import { describe, expect, it } from 'vitest';
import { linearRepo } from '../../fixtures/repos.js';
import { MARKDOWN_COMMITS } from '../../src/render/scan-markdown.js';
import { tempDir } from '../helpers.js';
import { runCli } from './run-cli.js';

describe('scan --format markdown, for a pull request comment', () => {
  it(`lists at most ${MARKDOWN_COMMITS} commits, the newest, and says how many more there are`, async () => {
    const repo = await tempDir();
    const shas = await linearRepo(repo, 330); // every third commit co-authored by Claude Code: 110
    const run = await runCli(['scan', '--repo', repo, '--format', 'markdown']);
    expect(run.code, run.stderr).toBe(0);
    const rows = run.stdout.split('\n').filter((l) => /^\| `[0-9a-f]{12}` \|/.test(l));
    expect(rows).toHaveLength(MARKDOWN_COMMITS);
    expect(rows[0]).toContain((shas[330 - 1 - ((330 - 1) % 3)] ?? '').slice(0, 12));
    expect(run.stdout).toContain('… and 10 more commits with AI signatures (the newest 100 are listed; `--format json` lists them all).');
    expect(run.stdout.length).toBeLessThan(65_536);
    const json = await runCli(['scan', '--repo', repo, '--format', 'json']);
    expect((JSON.parse(json.stdout) as { summary: { aiCommits: number } }).summary.aiCommits).toBe(110);
  });
});
