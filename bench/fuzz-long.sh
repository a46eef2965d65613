#!/usr/bin/env bash
# Long Jazzer fuzzing of every @FuzzTest, outside CI: one JVM per target (Jazzer fuzzes one test per run).
#   bench/fuzz-long.sh [DURATION] [TARGET-FILTER]      e.g. bench/fuzz-long.sh 2h  or  bench/fuzz-long.sh 60s Dnp3
# TARGET-FILTER: substrings of "module:Class#method", comma-separated (a target runs if it contains any of them).
# DURATION overrides each test's maxDuration (jazzer.max_duration); set MAX_EXECUTIONS=10000000 to stop at a
# run count instead. Findings are written by Jazzer under src/test/resources/<package>/<Class>Inputs/<method>/
# and replayed by plain `mvn test` from then on (keep them: they are the regression cases). Every io.gridscout
# class is instrumented (jazzer.instrument), so the bench module's pipeline targets get coverage feedback in the
# protocols/mapping jars too.
# Summary lines (target, runs, seconds, result) go to bench/target/fuzz/summary.tsv.
set -uo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-1h}"
FILTER="${2:-}"
OUT=bench/target/fuzz
mkdir -p "$OUT"
: > "$OUT/summary.tsv"
# SKIP_INSTALL=1 when a caller loops over targets and has installed once already
[[ -n "${SKIP_INSTALL:-}" ]] || ./mvnw -q -o install -DskipTests >/dev/null || { echo "build failed"; exit 2; }
# module:Class#method for every @FuzzTest
targets=$(grep -rl "@FuzzTest" --include=*.java */src/test/java | while read -r f; do
  module=${f%%/*}; cls=$(basename "$f" .java)
  awk '/@FuzzTest/{getline; if (match($0, /void [a-zA-Z0-9_]+\(/)) { m=substr($0, RSTART+5, RLENGTH-6); print m }}' "$f" |
    while read -r m; do echo "$module:$cls#$m"; done
done)
status=0
for t in $targets; do
  if [[ -n "$FILTER" ]]; then
    hit=0
    IFS=, read -ra parts <<< "$FILTER"
    for f in "${parts[@]}"; do [[ -n "$f" && "$t" == *"$f"* ]] && hit=1; done
    [[ $hit == 1 ]] || continue
  fi
  module=${t%%:*}; test=${t#*:}
  log="$OUT/${test//#/_}.log"
  extra=()
  [[ -n "${MAX_EXECUTIONS:-}" ]] && extra+=("-Djazzer.max_executions=$MAX_EXECUTIONS")
  start=$(date +%s)
  JAZZER_FUZZ=1 ./mvnw -o test -pl "$module" -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false \
      -Djazzer.max_duration="$DURATION" -Djazzer.instrument='io.gridscout.**' "${extra[@]}" -DtrimStackTrace=false > "$log" 2>&1
  rc=$?
  secs=$(( $(date +%s) - start ))
  runs=$(grep -oE "Done [0-9]+ runs" "$log" | tail -1 | grep -oE "[0-9]+")
  cov=$(grep -oE "cov: [0-9]+" "$log" | tail -1 | grep -oE "[0-9]+")
  result=$([[ $rc -eq 0 ]] && echo ok || echo "FAILED (see $log)")
  printf '%s\t%s\t%s\t%s\t%s\n' "$t" "${runs:-?}" "$secs" "${cov:-?}" "$result" | tee -a "$OUT/summary.tsv"
  [[ $rc -ne 0 ]] && status=1
done
exit $status
