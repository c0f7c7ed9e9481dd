#!/usr/bin/env bash
# Runs `npm test` N times (default 3) while two CPU-bound processes keep both
# cores of this machine busy, as an editor, a browser or another CI job would;
# prints each run's result and wall time, and exits non-zero if any run failed.
# The load is started before the first run and stopped on exit, whatever
# happens. Usage: scripts/test-under-load.sh [RUNS] [LOAD_PROCESSES]
set -uo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
load="${2:-2}"
pids=()
stop_load() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done; wait 2>/dev/null; }
trap stop_load EXIT INT TERM
for _ in $(seq "$load"); do
  # One core's worth of arithmetic each, at normal priority.
  node -e 'let x = 0; for (;;) { x = (x * 1103515245 + 12345) % 2147483648; }' &
  pids+=("$!")
done
echo "test-under-load: $load CPU-bound processes running (pids ${pids[*]}) on $(nproc) cores"
failed=0
for i in $(seq "$runs"); do
  log="$(mktemp -t aiprov-under-load-XXXXXX.log)"
  start=$(date +%s)
  if npm test >"$log" 2>&1; then result=passed; else result=FAILED; failed=$((failed + 1)); fi
  seconds=$(( $(date +%s) - start ))
  summary=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '^ +Tests ' | tail -1 | sed 's/^ *//')
  echo "run $i of $runs: $result in ${seconds} s (${summary:-no vitest summary}); log: $log"
done
echo "test-under-load: $((runs - failed)) of $runs passed"
[ "$failed" -eq 0 ]
