import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../src/authorship/trailers.js';

/** What git itself says the trailers are (`--no-divider`: commit messages may contain `---`). */
function gitTrailers(message: string): string[] {
  const out = execFileSync('git', ['interpret-trailers', '--parse', '--no-divider'], { input: message, encoding: 'utf8' });
  return out.split('\n').filter((l) => l.length > 0);
}

const MESSAGES: Record<string, string> = {
  'single trailer': 'Subject\n\nBody.\n\nCo-authored-by: A <a@x>\n',
  'several trailers': 'Subject\n\nCo-authored-by: A <a@x>\nSigned-off-by: B <b@x>\nAssisted-by: Claude:claude-3-opus coccinelle\n',
  'no body': 'Subject only\n',
  'trailer-looking subject': 'Co-authored-by: A <a@x>\n',
  'subject then trailer, no blank': 'Subject\nCo-authored-by: A <a@x>\n',
  'trailers in a middle paragraph': 'Subject\n\nCo-authored-by: A <a@x>\n\nJust prose at the end.\n',
  'mixed block without git trailer': 'Subject\n\nSome prose line\nCo-authored-by: A <a@x>\n',
  'mixed block with Signed-off-by and 25%': 'Subject\n\nprose one\nprose two\nprose three\nSigned-off-by: A <a@x>\n',
  'mixed block with Signed-off-by under 25%': 'Subject\n\np1\np2\np3\np4\nSigned-off-by: A <a@x>\n',
  'cherry-pick line': 'Subject\n\nprose\n(cherry picked from commit 0123456789abcdef0123456789abcdef01234567)\nCo-authored-by: A <a@x>\n',
  'continuation lines': 'Subject\n\nCo-authored-by: A very long\n  name <a@x>\nReviewed-by: R <r@x>\n',
  'space before separator': 'Subject\n\nCo-authored-by : A <a@x>\n',
  'key with spaces is not a trailer': 'Subject\n\nNot a key: value\n',
  'trailing blank lines': 'Subject\n\nCo-authored-by: A <a@x>\n\n\n',
  'lower-case key': 'Subject\n\nco-authored-by: A <a@x>\n',
  'url in body is not a trailer': 'Subject\n\nhttps://claude.ai/code/session_1\n',
  'dashes divider kept as body': 'Subject\n\n---\nCo-authored-by: A <a@x>\n',
  'CRLF-free unicode': 'Sujet\n\nCo-authored-by: Zoë Ünïcode <z@x>\n',
};

describe('trailer parsing agrees with git interpret-trailers', () => {
  it.each(Object.entries(MESSAGES))('%s', (_name, message) => {
    const ours = parseMessage(message).trailers.map((t) => `${t.key}: ${t.value}`);
    expect(ours).toEqual(gitTrailers(message));
  });
});

describe('message structure', () => {
  it('takes the first paragraph as the subject and splits the rest into trimmed paragraphs', () => {
    const parsed = parseMessage('Title line\ncontinues\n\nPara one\n  indented  \n\n\nPara two\n');
    expect(parsed.subject).toBe('Title line continues');
    expect(parsed.paragraphs).toEqual(['Para one\n  indented', 'Para two']);
  });

  it('reads a one-line message (its short path) as the general case does', () => {
    const cases: [string, string][] = [
      ['Fix the parser', 'Fix the parser'],
      ['Fix the parser\n', 'Fix the parser'],
      ['  padded\t\r\n', 'padded'],
      ['Signed-off-by: A <a@example.com>\n', 'Signed-off-by: A <a@example.com>'],
      ['#1 is not a comment here?\n', ''],
      ['', ''],
      ['\n', ''],
      ['   \n', ''],
    ];
    for (const [message, subject] of cases) expect(parseMessage(message)).toEqual({ subject, paragraphs: [], trailers: [] });
    // Two lines are a title of two lines, not the short path.
    expect(parseMessage('One\ntwo\n').subject).toBe('One two');
  });

  it('keeps the exact trailer text, continuation unfolded', () => {
    const [t] = parseMessage('S\n\nCo-Authored-By: Claude\n Opus <noreply@anthropic.com>\n').trailers;
    expect(t).toEqual({
      key: 'Co-Authored-By',
      keyLower: 'co-authored-by',
      value: 'Claude Opus <noreply@anthropic.com>',
      text: 'Co-Authored-By: Claude Opus <noreply@anthropic.com>',
    });
  });
});

describe('the differential cases cover both outcomes', () => {
  it('git finds trailers in some cases and none in others', () => {
    expect(gitTrailers(MESSAGES['mixed block with Signed-off-by and 25%'] ?? '')).toEqual(['Signed-off-by: A <a@x>']);
    expect(gitTrailers(MESSAGES['mixed block with Signed-off-by under 25%'] ?? '')).toEqual([]);
    expect(gitTrailers(MESSAGES['mixed block without git trailer'] ?? '')).toEqual([]);
    expect(gitTrailers(MESSAGES['trailer-looking subject'] ?? '')).toEqual([]);
  });
});
