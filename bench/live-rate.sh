#!/usr/bin/env bash
# Live capture loss-free rate: replays the synthetic substation mix at increasing rates onto a veth pair and reports
# the highest rate at which `gridscout agent` decoded every frame with no kernel, interface or queue drop.
#   sudo bench/live-rate.sh            RATES="100 200 400 700 1000 max" (Mbit/s; max = --topspeed) DURATION=10 (s per step)
#                                      PACKETS=1000000 (mix size; replayed in a loop for DURATION s)
# tcpreplay itself may not reach the target on a small or busy machine: the table gives the rate it achieved, and the
# result is the highest achieved rate with no loss. SENDER=trafgen sends with netsniff-ng's trafgen instead (one CPU,
# PACKET_TX_RING, no syscall per frame: about 2.5x tcpreplay's rate here) the first SLICE=50000 frames of the mix
# round robin; its packet config is made once from the mix (editcap + netsniff-ng) and cached beside it. A short warm-up replay (not counted) lets the JIT compile first.
# The veth pair lives in a network namespace made here: the namespace end (where tcpreplay sends) and the host end
# (where the agent captures) carry no address, ARP and IPv6 are off on both, and the mix's 10.0.0.0/8 addresses are
# rewritten to 127.0.0.0/8 first, so nothing replayed can be routed anywhere. Everything is removed on exit.
# Prints a markdown table (also bench/target/live-rate.md).
set -euo pipefail
cd "$(dirname "$0")/.."
RATES="${RATES:-100 200 400 700 1000 max}"
DURATION="${DURATION:-10}"
PACKETS="${PACKETS:-1000000}"
HEAP="${HEAP:--Xmx512m}"
WORK="${WORK:-/tmp/gridscout-live-rate}"
[[ $(id -u) == 0 ]] || { echo "live-rate.sh: run as root (namespaces, capture)" >&2; exit 2; }
SENDER="${SENDER:-tcpreplay}"
SLICE="${SLICE:-50000}"
for t in ip tcpreplay tcprewrite curl $([[ $SENDER == trafgen ]] && echo "trafgen netsniff-ng editcap"); do command -v $t >/dev/null || { echo "live-rate.sh: $t missing" >&2; exit 2; }; done
mkdir -p "$WORK" bench/target
[[ -f bench/target/gridscout-bench.jar && "${BUILD:-1}" == 0 ]] || ./mvnw -q -o package -pl protocols,mapping,agent,bench -DskipTests
JAR=$(realpath bench/target/gridscout-bench.jar)
OUT=bench/target/live-rate.md

mix="$WORK/mix-$PACKETS.pcap"
if [[ ! -f "$mix" ]]; then
  java -Xmx256m -jar "$JAR" generate "$WORK/gen.pcap" "$PACKETS" 10 10 1 >&2
  tcprewrite --pnat=10.0.0.0/8:127.0.0.0/8 --fixcsum --infile="$WORK/gen.pcap" --outfile="$mix"
  rm -f "$WORK/gen.pcap" "$WORK/gen.pcap.expected.json"
fi

if [[ $SENDER == trafgen ]]; then
  cfg="$WORK/mix-$PACKETS-$SLICE.cfg"
  if [[ ! -f "$cfg" ]]; then
    editcap -F pcap -r "$mix" "$WORK/slice.pcap" "1-$SLICE"
    netsniff-ng --in "$WORK/slice.pcap" --out "$cfg" >/dev/null 2>&1
    rm -f "$WORK/slice.pcap"
  fi
  # average frame size of the slice, to turn a rate into a frame count for DURATION seconds
  avg=$(grep -c '^{' "$cfg" | awk -v b="$(grep -o '0x' "$cfg" | wc -l)" '{ printf "%.1f", b / $1 }')
fi
# send RATE (Mbit/s or max) for DURATION seconds into the namespace end; writes $run/replay.log and sets sent/secs/mbps
send() {
  local rate=$1 duration=$2
  if [[ $SENDER == trafgen ]]; then
    local n rateopt=()
    if [[ $rate == max ]]; then n=$((1000000 * duration)); else
      n=$(echo "$rate * 1000000 * $duration / (8 * $avg)" | bc); rateopt=(-b "${rate}Mbit"); fi
    ip netns exec "$ns" trafgen --dev "$peer" --conf "$cfg" -P 1 -Q --num "$n" "${rateopt[@]}" > "$run/replay.log" 2>&1 || true
    sent=$(grep -oE '[0-9]+ packets outgoing' "$run/replay.log" | grep -oE '[0-9]+' | head -1)
    local bytes; bytes=$(grep -oE '[0-9]+ bytes outgoing' "$run/replay.log" | grep -oE '[0-9]+' | head -1)
    secs=$(grep -oE '[0-9]+ sec, [0-9]+ usec on CPU' "$run/replay.log" | head -1 | awk '{ printf "%.6f", $1 + $3 / 1e6 }')
    mbps=$(echo "scale=2; ${bytes:-0} * 8 / (${secs:-1} * 1000000)" | bc)
  else
    local speed="--mbps=$rate"; [[ "$rate" == max ]] && speed="--topspeed"
    ip netns exec "$ns" tcpreplay -i "$peer" $speed --preload-pcap --loop=0 --duration="$duration" "$mix" > "$run/replay.log" 2>&1 || true
    sent=$(grep -oE 'Actual: [0-9]+ packets' "$run/replay.log" | grep -oE '[0-9]+' | head -1)
    secs=$(grep -oE 'sent in [0-9.]+ seconds' "$run/replay.log" | grep -oE '[0-9.]+' | head -1)
    mbps=$(grep -oE '[0-9.]+ Mbps' "$run/replay.log" | head -1 | cut -d' ' -f1)
  fi
}

tag=$(printf '%04x' $((RANDOM)))
ns="gslr$tag"; host="gslr${tag}h"; peer="gslr${tag}n"
run="$(mktemp -d "$WORK/run.XXXXXX")"
agent_pid=""
cleanup() {
  [[ -n "$agent_pid" ]] && kill "$agent_pid" 2>/dev/null && wait "$agent_pid" 2>/dev/null || true
  ip link del "$host" 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$run"
}
trap cleanup EXIT INT TERM

ip netns add "$ns"
ip link add "$host" type veth peer name "$peer"
ip link set "$peer" netns "$ns"
echo 1 > "/proc/sys/net/ipv6/conf/$host/disable_ipv6"
ip link set "$host" arp off
# the mix has a few frames just over 1514 bytes (36 per million): a standard MTU would make the veth drop them
ip link set "$host" mtu 9000
ip link set "$host" up
ip netns exec "$ns" sh -c "echo 1 > /proc/sys/net/ipv6/conf/$peer/disable_ipv6"
ip netns exec "$ns" ip link set "$peer" arp off
ip netns exec "$ns" ip link set "$peer" mtu 9000
ip netns exec "$ns" ip link set "$peer" up

java $HEAP -cp "$JAR" io.gridscout.agent.cli.Main agent --interface "$host" --store "$run/store.db" \
    --listen 127.0.0.1:0 --token-file "$run/token" > "$run/agent.log" 2>&1 &
agent_pid=$!
port=""
for _ in $(seq 1 120); do
  port=$(grep -oE 'API on https?://127\.0\.0\.1:[0-9]+' "$run/agent.log" | grep -oE '[0-9]+$' || true)
  [[ -n "$port" ]] && break
  kill -0 "$agent_pid" 2>/dev/null || { cat "$run/agent.log" >&2; exit 1; }
  sleep 0.5
done
[[ -n "$port" ]] || { echo "agent did not start" >&2; cat "$run/agent.log" >&2; exit 1; }

# metric NAME_WITH_LABELS -> integer value (0 when absent)
metrics() { curl -sf -H "Authorization: Bearer $(cat "$run/token")" "http://127.0.0.1:$port/metrics" > "$run/metrics"; }
metric() { awk -v k="$1" '$1 == k { printf "%.0f\n", $2; found=1 } END { if (!found) print 0 }' "$run/metrics"; }
snapshot() {
  metrics
  echo "$(metric gridscout_packets_total) $(metric "gridscout_drops_total{cause=\"kernel\",interface=\"$host\"}") \
$(metric "gridscout_drops_total{cause=\"interface\",interface=\"$host\"}") $(metric 'gridscout_drops_total{cause="queue"}')"
}

{
echo "| target Mbit/s | achieved Mbit/s | frames sent | frames/s | decoded | kernel drops | interface drops | queue drops | loss-free | agent CPU s | frames per agent CPU s | load avg (1 min) |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
} | tee "$OUT"
# warm-up, not counted
send 50 5
sleep 2
best=0; bestAt=none
# CPU seconds the agent process has used (utime + stime of /proc/PID/stat), to tell how much of a core a rate costs
agent_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f\n", ($14 + $15) / hz }' "/proc/$agent_pid/stat"; }
for rate in $RATES; do
  read -r p0 k0 i0 q0 < <(snapshot)
  c0=$(agent_cpu)
  send "$rate" "$DURATION"
  # let the agent drain its queue: wait until the packet counter stops moving
  prev=-1
  for _ in $(seq 1 60); do
    read -r p1 k1 i1 q1 < <(snapshot)
    [[ "$p1" == "$prev" ]] && break
    prev=$p1
    sleep 1
  done
  dec=$((p1 - p0)); kd=$((k1 - k0)); id=$((i1 - i0)); qd=$((q1 - q0))
  cpu=$(echo "$(agent_cpu) - $c0" | bc)
  ok=no
  if [[ -n "$sent" && "$dec" -ge "$sent" && $kd == 0 && $id == 0 && $qd == 0 ]]; then
    ok=yes
    if [[ -n "$mbps" ]] && (( $(echo "$mbps > $best" | bc) )); then best=$mbps; bestAt=$rate; fi
  fi
  printf '| %s | %s | %s | %.0f | %s | %s | %s | %s | %s | %s | %.0f | %s |\n' "$rate" "${mbps:-?}" "${sent:-?}" \
      "$(echo "${sent:-0} / ${secs:-1}" | bc -l)" "$dec" "$kd" "$id" "$qd" "$ok" "$cpu" "$(echo "$dec / ($cpu + 0.001)" | bc -l)" \
      "$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$OUT"
done
echo | tee -a "$OUT"
# where the agent's CPU went, per thread (capture loop vs pipeline vs the rest), over the whole run
hz=$(getconf CLK_TCK)
echo "agent threads, CPU s over the run: $(for t in /proc/$agent_pid/task/*; do awk -v hz="$hz" -v n="$(cat "$t/comm")" \
  '{ printf "%s=%.2f\n", n, ($14 + $15) / hz }' "$t/stat"; done | sort -t= -k2 -rn | head -6 | tr '\n' ' ')" | tee -a "$OUT"
echo "highest loss-free rate: $best Mbit/s achieved (target $bestAt) (sender $SENDER, mix of $PACKETS packets, $DURATION s per step, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "$OUT"
