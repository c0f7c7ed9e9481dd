/**
 * The shell scripts `aiprov hooks install` writes. Each runs the hook that was
 * there before (renamed to `<hook>.pre-aiprov`) first and keeps its verdict;
 * aiprov's own part can never block or lose a commit: if it fails, it warns.
 */
export const HOOK_MARKER = '# aiprov-hook v1';
export const CHAINED_SUFFIX = '.pre-aiprov';
export const HOOK_NAMES = ['prepare-commit-msg', 'post-commit', 'post-rewrite', 'pre-push'] as const;
export type HookName = (typeof HOOK_NAMES)[number];

export interface Launcher {
  /** Absolute path of the Node binary that ran `hooks install`. */
  node: string;
  /** Absolute path of aiprov's bin script. */
  bin: string;
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export function hookScript(hook: HookName, launcher: Launcher, args: string[]): string {
  // post-rewrite reads the rewritten commits, pre-push the refs being pushed.
  const readsStdin = hook === 'post-rewrite' || hook === 'pre-push';
  const extra = args.map(quote).join(' ');
  return `#!/bin/sh
${HOOK_MARKER}: installed by \`aiprov hooks install\`; \`aiprov hooks uninstall\` restores what was here.
# The hook that was here before, if any, is ${hook}${CHAINED_SUFFIX} and runs first.
hook_dir=$(dirname "$0")
status=0
${readsStdin ? 'input=$(cat)\n' : ''}if [ -x "$hook_dir/${hook}${CHAINED_SUFFIX}" ]; then
  ${readsStdin ? 'printf \'%s\\n\' "$input" | ' : ''}"$hook_dir/${hook}${CHAINED_SUFFIX}" "$@" || status=$?
  [ "$status" -eq 0 ] || exit "$status"
fi
aiprov_node=${quote(launcher.node)}
aiprov_bin=${quote(launcher.bin)}
run_aiprov() {
  if [ -x "$aiprov_node" ] && [ -f "$aiprov_bin" ]; then "$aiprov_node" "$aiprov_bin" "$@"
  elif command -v aiprov >/dev/null 2>&1; then aiprov "$@"
  else echo "aiprov: not found at $aiprov_bin or on PATH" >&2; return 127
  fi
}
${readsStdin ? 'printf \'%s\\n\' "$input" | ' : ''}run_aiprov hooks run ${hook} ${extra ? `${extra} ` : ''}-- "$@" \\
  || echo "aiprov: warning: the ${hook} hook failed; ${hook === 'pre-push' ? 'the push goes on, but the notes may not have been pushed' : 'the commit is unaffected, but its AI authorship may not be recorded'}" >&2
exit 0
`;
}
