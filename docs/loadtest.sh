#!/usr/bin/env bash
# Reproduces the load figures of docs/PERFORMANCE.md on this machine:
# builds klimabot (CGO_ENABLED=0, as shipped) and klimaload, generates the
# store of SPEC's quality bars (10,000 measures, 100,000 progress entries),
# starts the fake Slack Web API and `klimabot serve` on loopback, sends signed
# /klima commands at RATE a second for DURATION with WRITES share of writes,
# and prints the load report and the bot's peak resident memory (VmHWM).
#
#   bash docs/loadtest.sh                  # 1000/s for 30s, 10% writes
#   RATE=500 DURATION=60s bash docs/loadtest.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RATE=${RATE:-1000} DURATION=${DURATION:-30s} WRITES=${WRITES:-0.1}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

CGO_ENABLED=0 go build -o "$work/klimabot" ./cmd/klimabot
CGO_ENABLED=0 go build -o "$work/klimaload" ./cmd/klimaload
"$work/klimaload" gen --db "$work/bench.db"

"$work/klimaload" fake-slack --addr 127.0.0.1:9911 > "$work/slack.log" &
sleep 0.5
KLIMABOT_DB="$work/bench.db" KLIMABOT_ADDR=127.0.0.1:18080 KLIMABOT_ADMINS=ULOAD \
GOMEMLIMIT=${GOMEMLIMIT:-off} SLACK_BOT_TOKEN=xoxb-load SLACK_SIGNING_SECRET=load-secret SLACK_API_URL=http://127.0.0.1:9911/api/ \
  "$work/klimabot" serve 2> "$work/bot.log" &
bot=$!
for _ in $(seq 100); do
  curl -fs http://127.0.0.1:18080/healthz >/dev/null 2>&1 && break
  sleep 0.1
done

"$work/klimaload" run --url http://127.0.0.1:18080 --secret load-secret \
  --rate "$RATE" --duration "$DURATION" --writes "$WRITES" --user ULOAD --codes 10000 || status=$?
echo "bot peak resident memory: $(awk '/VmHWM/ {print $2, $3}' /proc/$bot/status)"
echo "bot log lines at level ERROR: $(grep -c 'level=ERROR' "$work/bot.log" || true)"
exit "${status:-0}"
