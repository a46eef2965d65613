#!/usr/bin/env bash
# End-to-end benchmark: generates synthetic substation captures, runs `gridscout analyze` on each under a
# 256 MiB heap, checks the inventory against the expected one, and runs tshark over the same protocols' fields.
#   bench/run.sh [quick|full]      quick: 1M packets only; full (default): 1M/10M, 100/1k/10k assets, 50M if BIG=1
#   SCALING_ONLY=1 SCALING_CAPTURE=50M-100 RUNS=5 bench/run.sh   only the 1-core/2-core table, with its median
# Prints a markdown table (also written to bench/target/results.md). Wall time and CPU time (user+sys) are both
# reported: on a shared machine packets per CPU-second is the comparable figure.
set -euo pipefail
cd "$(dirname "$0")/.."
MODE="${1:-full}"
WORK="${WORK:-/tmp/gridscout-bench}"
HEAP="${HEAP:--Xmx256m}"
# analyze runs through the installed launcher, so it gets the JVM options users get (the collector);
# JAVA_OPTS adds more, e.g. JAVA_OPTS=-XX:+UseG1GC for another collector
JAVA_OPTS="${JAVA_OPTS:-}"
LAUNCHER=deploy/src/main/dist/bin/gridscout
TSHARK_PACKETS="${TSHARK_PACKETS:-200000}"
mkdir -p "$WORK" bench/target
[[ -f bench/target/gridscout-bench.jar && "${BUILD:-1}" == 0 ]] || ./mvnw -q -o package -pl protocols,mapping,agent,bench -DskipTests
JAR=bench/target/gridscout-bench.jar
OUT=bench/target/results.md
# what the launcher runs, and with which options (set once for every analyze below)
export GRIDSCOUT_JAR="$JAR" GRIDSCOUT_JAVA_OPTS="$HEAP $JAVA_OPTS"

# name packets sites devicesPerSite
configs=("1M-100 1000000 10 10")
if [[ "$MODE" == full ]]; then
  configs+=("10M-100 10000000 10 10" "1M-1k 1000000 50 20" "1M-10k 1000000 100 100" "10M-10k 10000000 100 100")
  [[ "${BIG:-0}" == 1 ]] && configs+=("50M-100 50000000 10 10")
fi

# SCALING_ONLY=1: only the multi-core table at the end (its capture is generated if missing)
: > "$OUT"
if [[ "${SCALING_ONLY:-0}" != 1 ]]; then
{
echo "| capture | packets | file MB | assets expected/found | check | wall s | CPU s | packets/s (wall) | packets/CPU-s | MB/s (wall) | peak heap MB | max RSS MB | flows created / evicted | malformed |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
} | tee "$OUT"
for c in "${configs[@]}"; do
  read -r name packets sites per <<<"$c"
  pcap="$WORK/$name.pcap"
  [[ -f "$pcap" ]] || java -Xmx256m -jar "$JAR" generate "$pcap" "$packets" "$sites" "$per" 1 >&2
  mb=$(( $(stat -c %s "$pcap") / 1000000 ))
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/$name.time" env GRIDSCOUT_JAVA_OPTS="$GRIDSCOUT_JAVA_OPTS -Xlog:gc:file=$WORK/$name.gc.log" "$LAUNCHER" analyze --stats --quiet \
      --json "$WORK/$name.json" "$pcap" > "$WORK/$name.stats" 2> "$WORK/$name.err" || true
  read -r wall user sys rss < <(tail -1 "$WORK/$name.time")
  cpu=$(echo "$user + $sys" | bc)
  heap=$(grep -oE "[0-9]+M->[0-9]+M" "$WORK/$name.gc.log" | sed 's/M->.*//' | sort -n | tail -1)
  check=$(java -jar "$JAR" check "$pcap.expected.json" "$WORK/$name.json" | head -1)
  exp=$(echo "$check" | sed -E 's/expected assets ([0-9]+), found ([0-9]+).*/\1\/\2/')
  probs=$(echo "$check" | grep -oE "[0-9]+ problems")
  flows=$(grep "^flows:" "$WORK/$name.stats" | sed -E 's/flows: ([0-9]+) created, ([0-9]+) evicted.*/\1 \/ \2/')
  malformed=$(grep "^malformed:" "$WORK/$name.stats" | cut -d' ' -f2)
  printf '| %s | %s | %s | %s | %s | %s | %s | %.0f | %.0f | %.1f | %s | %s | %s | %s |\n' "$name" "$packets" "$mb" "$exp" "$probs" \
      "$wall" "$cpu" "$(echo "$packets / $wall" | bc -l)" "$(echo "$packets / $cpu" | bc -l)" "$(echo "$mb / $wall" | bc -l)" \
      "${heap:-?}" "$(( rss / 1024 ))" "$flows" "$malformed" | tee -a "$OUT"
done

# tshark over the same protocols' fields, on a smaller file, against gridscout on that same file
small="$WORK/tshark-$TSHARK_PACKETS.pcap"
[[ -f "$small" ]] || java -jar "$JAR" generate "$small" "$TSHARK_PACKETS" 10 10 1 >&2
/usr/bin/time -f "%e %U %S %M" -o "$WORK/tshark.time" tshark -n -r "$small" -T fields -e frame.number -e ip.src -e ip.dst \
    -e modbus.func_code -e modbus.object_str_value -e dnp3.al.func -e dnp3.al.da.value -e opcua.servicenodeid.numeric \
    -e opcua.ApplicationUri -e iec60870_asdu.typeid -e s7comm.param.func -e enip.command -e enip.lir.name -e goose.gocbRef \
    > /dev/null 2>&1
/usr/bin/time -f "%e %U %S %M" -o "$WORK/gs-small.time" "$LAUNCHER" analyze --quiet --json "$WORK/small.json" "$small" > /dev/null 2>&1 || true
read -r tw tu ts trss < <(tail -1 "$WORK/tshark.time")
read -r gw gu gs grss < <(tail -1 "$WORK/gs-small.time")
{
echo
echo "tshark -T fields vs gridscout analyze on $TSHARK_PACKETS packets (same file, both including process start):"
echo
echo "| tool | wall s | CPU s | max RSS MB |"
echo "|---|---|---|---|"
echo "| tshark 4.0 -T fields | $tw | $(echo "$tu + $ts" | bc) | $(( trss / 1024 )) |"
echo "| gridscout analyze | $gw | $(echo "$gu + $gs" | bc) | $(( grss / 1024 )) |"
printf '\nratio (CPU time tshark / gridscout): %.1fx; wall: %.1fx\n' "$(echo "($tu + $ts) / ($gu + $gs)" | bc -l)" "$(echo "$tw / $gw" | bc -l)"
} | tee -a "$OUT"
fi

# multi-core scaling: the same analysis on 1 core against 2 cores (taskset), 1 and 2 workers, JSON compared.
# SCALING_CAPTURE names one of the configs above or 50M-100 (default 10M-100; 1M-100 in quick mode); RUNS
# repetitions each, and their median.
if command -v taskset >/dev/null && (( $(nproc) >= 2 )); then
  sc="${SCALING_CAPTURE:-$([[ "$MODE" == full ]] && echo 10M-100 || echo 1M-100)}"
  pcap="$WORK/$sc.pcap"
  if [[ ! -f "$pcap" ]]; then
    for c in "${configs[@]}" "50M-100 50000000 10 10"; do
      read -r name packets sites per <<<"$c"
      [[ "$name" == "$sc" ]] && { java -Xmx256m -jar "$JAR" generate "$pcap" "$packets" "$sites" "$per" 1 >&2; break; }
    done
  fi
  {
  echo
  echo "multi-core scaling on $sc (wall s; JSON of every run compared with the 1-core run's):"
  echo
  echo "| run | 1 core, 1 worker | 2 cores, 1 worker | 2 cores, 2 workers | 2 workers on 2 cores vs 1 core | JSON identical | two 1-core runs at once (one per core) | machine's ceiling |"
  echo "|---|---|---|---|---|---|---|---|"
  } | tee -a "$OUT"
  ratios=(); ceilings=()
  for r in $(seq 1 "${RUNS:-3}"); do
    walls=()
    same=yes
    for cfg in "0:1" "0,1:1" "0,1:2"; do
      cpus=${cfg%:*}; w=${cfg#*:}
      # every run starts from the page cache: this VM's kernel pages out cold file pages (DAMON), which made
      # whichever run came first after a pause read part of a 5.9 GB file from disk
      cat "$pcap" > /dev/null
      /usr/bin/time -f "%e" -o "$WORK/scale.time" taskset -c "$cpus" "$LAUNCHER" analyze --quiet \
          --workers "$w" --json "$WORK/scale-$w-$cpus.json" "$pcap" > /dev/null 2>&1 || true
      walls+=("$(tail -1 "$WORK/scale.time")")
      cmp -s "$WORK/scale-$w-$cpus.json" "$WORK/scale-1-0.json" || same=no
    done
    ratio=$(echo "${walls[0]} / ${walls[2]}" | bc -l)
    ratios+=("$ratio")
    # calibration: the same 1-core analysis twice at once, one per core. No sharding can beat 2 x (1-core wall) /
    # (their wall): on a shared VM it shows what the second core is worth at that moment
    cat "$pcap" > /dev/null
    /usr/bin/time -f "%e" -o "$WORK/pair0.time" taskset -c 0 "$LAUNCHER" analyze --quiet --json /dev/null "$pcap" > /dev/null 2>&1 &
    /usr/bin/time -f "%e" -o "$WORK/pair1.time" taskset -c 1 "$LAUNCHER" analyze --quiet --json /dev/null "$pcap" > /dev/null 2>&1
    wait
    p0=$(tail -1 "$WORK/pair0.time"); p1=$(tail -1 "$WORK/pair1.time")
    ceiling=$(echo "2 * ${walls[0]} / (($p0 + $p1) / 2)" | bc -l)
    ceilings+=("$ceiling")
    printf '| %s | %s | %s | %s | %.2fx | %s | %s / %s | %.2fx |\n' "$r" "${walls[0]}" "${walls[1]}" "${walls[2]}" "$ratio" "$same" \
        "$p0" "$p1" "$ceiling" | tee -a "$OUT"
  done
  median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
  printf '\nmedian of %d runs, 2 workers on 2 cores vs 1 core: %.2fx (machine ceiling, median: %.2fx)\n' "${#ratios[@]}" \
      "$(median "${ratios[@]}")" "$(median "${ceilings[@]}")" | tee -a "$OUT"
fi
