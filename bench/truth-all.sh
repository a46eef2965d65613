#!/usr/bin/env bash
# Acceptance as it is judged, outside CI: `analyze --json` on every capture of ../shared/pcaps and
# ../shared/pcaps-peers that has a truth file, then ../shared/tools/compare-truth.py for every protocol the truth
# file names. Prints one DIFF line per disagreement and exits 1 if there was any.
#   bench/truth-all.sh [SHARED-DIR]        (default ../shared; needs agent/target/gridscout.jar: ./mvnw -q package -DskipTests)
set -uo pipefail
cd "$(dirname "$0")/.."
SHARED="${1:-../shared}"
OUT=bench/target/truth-all
mkdir -p "$OUT"
fail=0; n=0
for p in "$SHARED"/pcaps/* "$SHARED"/pcaps-peers/*; do
  t="$p.truth.json"
  [[ -f "$t" ]] || continue
  name=$(basename "$p"); n=$((n + 1))
  java -jar agent/target/gridscout.jar analyze --json "$OUT/$name.json" --quiet "$p" >/dev/null 2>"$OUT/$name.err"
  protos=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(' '.join(k for k in d if k in 'modbus dnp3 opcua iec104 mms goose s7comm enip synphasor bacnet dlms'.split()))" "$t")
  for pr in $protos; do
    if ! out=$(python3 "$SHARED/tools/compare-truth.py" "$pr" "$t" "$OUT/$name.json" 2>&1); then
      echo "DIFF $name $pr: $(echo "$out" | head -3 | tr '\n' ' ')"; fail=1
    fi
  done
done
echo "$n captures compared, $([[ $fail -eq 0 ]] && echo 'all agree' || echo 'some differ')"
exit $fail
