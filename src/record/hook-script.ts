/**
 * The shell scripts `aibom hooks install` writes. Each runs the hook that was
 * there before (renamed to `<hook>.pre-aibom`) first and keeps its verdict;
 * aibom's own part can never block or lose a commit: if it fails, it warns.
 */
export const HOOK_MARKER = '# aibom-hook v1';
export const CHAINED_SUFFIX = '.pre-aibom';
export const HOOK_NAMES = ['prepare-commit-msg', 'post-commit', 'post-rewrite'] as const;
export type HookName = (typeof HOOK_NAMES)[number];

export interface Launcher {
  /** Absolute path of the Node binary that ran `hooks install`. */
  node: string;
  /** Absolute path of aibom's bin script. */
  bin: string;
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export function hookScript(hook: HookName, launcher: Launcher, args: string[]): string {
  const readsStdin = hook === 'post-rewrite';
  const extra = args.map(quote).join(' ');
  return `#!/bin/sh
${HOOK_MARKER}: installed by \`aibom hooks install\`; \`aibom hooks uninstall\` restores what was here.
# The hook that was here before, if any, is ${hook}${CHAINED_SUFFIX} and runs first.
hook_dir=$(dirname "$0")
status=0
${readsStdin ? 'input=$(cat)\n' : ''}if [ -x "$hook_dir/${hook}${CHAINED_SUFFIX}" ]; then
  ${readsStdin ? 'printf \'%s\\n\' "$input" | ' : ''}"$hook_dir/${hook}${CHAINED_SUFFIX}" "$@" || status=$?
  [ "$status" -eq 0 ] || exit "$status"
fi
aibom_node=${quote(launcher.node)}
aibom_bin=${quote(launcher.bin)}
run_aibom() {
  if [ -x "$aibom_node" ] && [ -f "$aibom_bin" ]; then "$aibom_node" "$aibom_bin" "$@"
  elif command -v aibom >/dev/null 2>&1; then aibom "$@"
  else echo "aibom: not found at $aibom_bin or on PATH" >&2; return 127
  fi
}
${readsStdin ? 'printf \'%s\\n\' "$input" | ' : ''}run_aibom hooks run ${hook} ${extra ? `${extra} ` : ''}-- "$@" \\
  || echo "aibom: warning: the ${hook} hook failed; the commit is unaffected, but its AI authorship may not be recorded" >&2
exit 0
`;
}
