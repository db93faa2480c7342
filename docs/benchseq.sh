#!/bin/bash
# benchseq.sh — the three phases of ../shared/bench/compare on klimabot alone,
# with the server's CPU per request, to compare two builds on a noisy machine.
#
#   bash docs/benchseq.sh BINARY [BINARY ...]     # alternates the binaries
#   ROUNDS=3 bash docs/benchseq.sh /tmp/kb-old /tmp/kb-new
#
# Each run: a 10,000-measure store imported from the bench's CSV, loadgen's
# fake Slack, `BINARY serve`, then 20,000 `log` by 16 clients (writes), 1,000
# commands/s for 8 s with 10 % `log` (latency) and 5 s closed loop with 8
# clients and 10 % `log` (throughput) — the compare script's phases — and
# for each phase loadgen's figures plus the server's CPU per request (from
# /proc/PID/stat), and the peak resident memory (VmHWM). Compare CPU per
# request between builds run alternately: throughput on a shared machine
# swings by more than the changes being measured. Needs ../shared/bench.
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH=${BENCH:-../shared/bench}
W=${BENCHSEQ_WORK:-/tmp/klimabot-benchseq}
ROUNDS=${ROUNDS:-2}
SECRET=8f742231b10e8888abcd99yyyzzz85a5
mkdir -p "$W"
[ -x "$W/loadgen" ] || (cd "$BENCH/loadgen" && go build -o "$W/loadgen" .)
if [ ! -f "$W/base.db" ]; then
  python3 - "$W/measures.csv" <<'PY'
import sys
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write("code,title,responsible,status,steps\n")
    for i in range(10000):
        f.write('P.%05d,Maßnahme %d,Stabstelle Klimaschutz,in Arbeit,'
                '"Analyse | Beschluss | Antrag | Umsetzung | Bericht | Verstetigung"\n' % (i, i))
PY
  "$1" import --db "$W/base.db" "$W/measures.csv" >/dev/null
fi
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

one() { # BINARY
  rm -f "$W"/k.db*; cp "$W/base.db" "$W/k.db"
  local fport port; fport=$(free_port); port=$(free_port)
  "$W/loadgen" -fake "127.0.0.1:$fport" >/dev/null 2>&1 & local fake=$!
  env -i PATH="$PATH" SLACK_BOT_TOKEN=xoxb-bench SLACK_SIGNING_SECRET=$SECRET KLIMABOT_DB="$W/k.db" \
    SLACK_API_URL="http://127.0.0.1:$fport/api/" KLIMABOT_ADDR="127.0.0.1:$port" KLIMABOT_ADMINS=U_LOAD \
    "$1" serve >"$W/serve.log" 2>&1 & local srv=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  local url="http://127.0.0.1:$port/slack/commands"
  phase() { # NAME LOADGEN-ARGS...
    local name=$1; shift
    local c0 c1 out n
    c0=$(awk '{print $14+$15}' "/proc/$srv/stat")
    out=$("$W/loadgen" -url "$url" -secret $SECRET "$@" | tail -1)
    c1=$(awk '{print $14+$15}' "/proc/$srv/stat")
    n=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["n"])' "$out")
    python3 - "$name" "$out" $(( (c1 - c0) * 10000 / n )) <<'PY'
import json, sys
d = json.loads(sys.argv[2])
print("  %-7s %8.0f/s  p50 %5.2f ms  p99 %6.2f ms  errors %d  server CPU %s us a request"
      % (sys.argv[1], d["rps"], d["p50_ms"], d["p99_ms"], d["errors"], sys.argv[3]))
PY
  }
  phase writes -n 20000 -d 90s -c 16 -logpct 100
  phase latency -rate 1000 -d 8s -c 32 -logpct 10
  phase closed -d 5s -c 8 -logpct 10
  echo "  peak RSS $(awk '/VmHWM/ {printf "%.1f MB", $2/1024}' "/proc/$srv/status")"
  kill "$srv" "$fake"; wait "$srv" 2>/dev/null || true
}

for r in $(seq "$ROUNDS"); do
  for b in "$@"; do
    echo "round $r: $b"
    one "$b"
  done
done
