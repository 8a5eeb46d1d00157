#!/usr/bin/env bash
# Runs the capture benchmarks and prints Markdown for docs/benchmarks.md:
#   bench/run.sh [runs] [requests] [events] [ingest MB]
# Needs RabbitMQ for the distributed row (SM_BENCH_RABBITMQ_URI, default amqp://guest:guest@127.0.0.1:5672/).
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-300}"; requests="${2:-20000}"; events="${3:-50000}"; ingest_mb="${4:-500}"
rabbit="${SM_BENCH_RABBITMQ_URI:-amqp://guest:guest@127.0.0.1:5672/}"
work=$(mktemp -d /tmp/sm-bench.XXXXXX)
pids=()
cleanup() {
  for log in "$work"/host-*.log; do # a host that failed says why before its folder goes
    # (not a readiness probe answered before the bus started: the health checks log that as a failure)
    if grep -E "Unhandled exception|fail: " "$log" 2>/dev/null | grep -q -v "HealthChecks.DefaultHealthCheckService"; then
      echo "--- $log:"; grep -v "HealthChecks.DefaultHealthCheckService" "$log" | grep -E -A25 "Unhandled exception|fail: " | head -80
    fi
  done
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"
}
trap cleanup EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

dotnet build services/SessionManagement.Host -c Release -nologo -v q -o "$work/host" >/dev/null
dotnet publish services/SessionManagement.HookBridge -c Release -r linux-x64 -nologo -v q -o "$work/sm-hook" >/dev/null
dotnet build bench/SessionManagement.Bench -c Release -nologo -v q -o "$work/bench" >/dev/null

start_host() { # port, [--target=…], extra env...
  local port=$1; shift
  local target="--target=all"
  if [[ "${1:-}" == --target=* ]]; then target=$1; shift; fi
  # Another process on the port would answer the readiness check in this host's place (and be measured instead).
  if curl -s -o /dev/null "http://127.0.0.1:$port/"; then echo "bench/run.sh: port $port is already in use; stop what listens there" >&2; exit 1; fi
  # As run.sh and the Dockerfile start it: hot code recompiled at once (SessionManagement.Host.csproj says why).
  env HOME="$work/home-$port" SM_DATA_DIR="$work/data-$port" SM_Http__Urls="http://127.0.0.1:$port" DOTNET_TC_CallCountingDelayMs=5 \
      SM_Logging__LogLevel__Default=Warning "$@" dotnet "$work/host/SessionManagement.Host.dll" "$target" >"$work/host-$port.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && return; sleep 0.5; done
  echo "host on $port did not become ready:"; cat "$work/host-$port.log"; exit 1
}

echo "## Run $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores ($(uname -r)), .NET $(dotnet --version)"
echo
start_host 4790
echo "### sm-hook spawn to exit ($runs runs each, interleaved; gateway embedded)"
echo
dotnet "$work/bench/SessionManagement.Bench.dll" spawn --sm-hook "$work/sm-hook/sm-hook" --gateway http://127.0.0.1:4790 --spool "$work/spool" --runs "$runs" 2>/dev/null
echo
echo "### Gateway POST /hooks, embedded (in-memory bus, SQLite)"
echo
dotnet "$work/bench/SessionManagement.Bench.dll" gateway --gateway http://127.0.0.1:4790 --requests "$requests" --label "embedded"
start_host 4795 SM_session_management__chat_management__redact_secrets=false
dotnet "$work/bench/SessionManagement.Bench.dll" gateway --gateway http://127.0.0.1:4795 --requests "$requests" --label "embedded, secret detection off"
kill "${pids[-1]}" 2>/dev/null || true
# Encryption at rest: a key of the run's own, from the environment.
sealed=(SM_session_management__session_storage__encrypt_at_rest=true SM_ENCRYPTION_KEY="bench:$(head -c 32 /dev/urandom | base64)")
start_host 4796 "${sealed[@]}"
dotnet "$work/bench/SessionManagement.Bench.dll" gateway --gateway http://127.0.0.1:4796 --requests "$requests" --label "embedded, encryption at rest on"
echo
echo "### Events persisted end to end (gateway → bus → saver → SQLite, $events hooks after 20,000 untimed, 8 keep-alive connections, 100 sessions)"
echo
echo "| transport | events | all posted s | all stored s | events/s stored |"
echo "|---|---|---|---|---|"
dotnet "$work/bench/SessionManagement.Bench.dll" persist --gateway http://127.0.0.1:4790 --db "$work/data-4790/session-management.db" --events "$events" --label "embedded (one process, in-memory bus)"
dotnet "$work/bench/SessionManagement.Bench.dll" persist --gateway http://127.0.0.1:4796 --db "$work/data-4796/session-management.db" --events "$events" --label "embedded, encryption at rest on"
kill "${pids[-1]}" 2>/dev/null || true
echo
echo "### SessionStart end to end through the gateway (resume of a session with 10,000 messages and 1 MB of context; every run the full path)"
echo
echo "| transport | session | runs | p50 ms | p99 ms | max ms | context chars |"
echo "|---|---|---|---|---|---|---|"
dotnet "$work/bench/SessionManagement.Bench.dll" sessionstart --gateway http://127.0.0.1:4790 --runs 200 --label "embedded (in-memory bus, SQLite)"
kill "${pids[0]}" 2>/dev/null || true  # the embedded host: out of the way of the distributed runs
echo
echo "### Transcript ingestion, embedded (POST /api/sessions/import → chat → SQLite with FTS5; a fresh host, then a second import into the same host, whose code is compiled by then: its peak RSS is the host's over both)"
echo
echo "| run | transcript | stored | time | throughput | host RSS before | host peak RSS | host CPU | cores idle or waiting on the disk |"
echo "|---|---|---|---|---|---|---|---|---|"
start_host 4793
dotnet "$work/bench/SessionManagement.Bench.dll" ingest --gateway http://127.0.0.1:4793 --pid "${pids[-1]}" --mb "$ingest_mb" --work "$work/ingest" --label "embedded, fresh host"
dotnet "$work/bench/SessionManagement.Bench.dll" ingest --gateway http://127.0.0.1:4793 --pid "${pids[-1]}" --mb "$ingest_mb" --work "$work/ingest" --label "embedded, second import"
kill "${pids[-1]}" 2>/dev/null || true
start_host 4794 SM_session_management__chat_management__redact_secrets=false
dotnet "$work/bench/SessionManagement.Bench.dll" ingest --gateway http://127.0.0.1:4794 --pid "${pids[-1]}" --mb "$ingest_mb" --work "$work/ingest" --label "embedded, secret detection off, fresh host"
dotnet "$work/bench/SessionManagement.Bench.dll" ingest --gateway http://127.0.0.1:4794 --pid "${pids[-1]}" --mb "$ingest_mb" --work "$work/ingest" --label "embedded, secret detection off, second import"
kill "${pids[-1]}" 2>/dev/null || true
start_host 4797 "${sealed[@]}"
dotnet "$work/bench/SessionManagement.Bench.dll" ingest --gateway http://127.0.0.1:4797 --pid "${pids[-1]}" --mb "$ingest_mb" --work "$work/ingest" --label "embedded, encryption at rest on, fresh host"
dotnet "$work/bench/SessionManagement.Bench.dll" ingest --gateway http://127.0.0.1:4797 --pid "${pids[-1]}" --mb "$ingest_mb" --work "$work/ingest" --label "embedded, encryption at rest on, second import"
kill "${pids[-1]}" 2>/dev/null || true
echo
echo "Where the time goes (one process, no bus, $ingest_mb MB):"
echo
echo "| stage | size | time | throughput |"
echo "|---|---|---|---|"
dotnet "$work/bench/SessionManagement.Bench.dll" ingest-stages --mb "$ingest_mb" --work "$work/ingest"

if command -v chromium >/dev/null 2>&1; then
  start_host 4798
  echo
  echo "### The web view (a fresh host; chromium $(chromium --version 2>/dev/null | grep -oE '[0-9]+' | head -1), headless, on the same cores)"
  echo
  dotnet "$work/bench/SessionManagement.Bench.dll" web --gateway http://127.0.0.1:4798 --chromium "$(command -v chromium)" --work "$work/web"
  kill "${pids[-1]}" 2>/dev/null || true
else
  echo; echo "(chromium not installed: the web view's rows skipped; apt-get install chromium)"
fi

if timeout 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/5672" 2>/dev/null; then
  bus=(SM_Bus__Transport=RabbitMq SM_Bus__RabbitMqUri="$rabbit" SM_Bus__EndpointPrefix=bench- SM_Bus__TemporaryEndpoints=true)
  start_host 4791 --target=gateway "${bus[@]}"
  # Hooks are published mandatory: with no saver yet, a queue of the benchmark's own takes them (else they come back and are spooled).
  mgmt="http://127.0.0.1:15672/api"; auth=(-u "${SM_BENCH_RABBITMQ_USER:-guest}:${SM_BENCH_RABBITMQ_PASSWORD:-guest}")
  curl -sf "${auth[@]}" -XPUT "$mgmt/exchanges/%2F/SessionManagement.Contracts.Gateway:HookEventCaptured" -H 'content-type: application/json' -d '{"type":"fanout","durable":true}' >/dev/null || true
  curl -sf "${auth[@]}" -XPUT "$mgmt/queues/%2F/bench-sink" -H 'content-type: application/json' -d '{"durable":false,"auto_delete":false}' >/dev/null || true
  curl -sf "${auth[@]}" -XPOST "$mgmt/bindings/%2F/e/SessionManagement.Contracts.Gateway:HookEventCaptured/q/bench-sink" -H 'content-type: application/json' -d '{}' >/dev/null || true
  echo
  echo "### Gateway POST /hooks, RabbitMQ (publisher confirms), the gateway process alone"
  echo
  dotnet "$work/bench/SessionManagement.Bench.dll" gateway --gateway http://127.0.0.1:4791 --requests "$requests" --label "RabbitMQ"
  curl -sf "${auth[@]}" -XDELETE "$mgmt/queues/%2F/bench-sink" >/dev/null || true
  start_host 4792 --target=saver "${bus[@]}"
  echo
  echo "### Gateway POST /hooks, RabbitMQ, with a saver process consuming on the same 2 cores"
  echo
  dotnet "$work/bench/SessionManagement.Bench.dll" gateway --gateway http://127.0.0.1:4791 --requests "$requests" --label "RabbitMQ + saver"
  echo
  echo "| transport | events | all posted s | all stored s | events/s stored |"
  echo "|---|---|---|---|---|"
  dotnet "$work/bench/SessionManagement.Bench.dll" persist --gateway http://127.0.0.1:4791 --db "$work/data-4792/session-management.db" --events "$events" --label "RabbitMQ (gateway and saver processes)"
  kill "${pids[-1]}" "${pids[-2]}" 2>/dev/null || true
  start_host 4794 --target=all "${bus[@]}"
  echo
  echo "### SessionStart end to end over RabbitMQ (every module in one process, the requests through the broker)"
  echo
  echo "| transport | session | runs | p50 ms | p99 ms | max ms | context chars |"
  echo "|---|---|---|---|---|---|---|"
  dotnet "$work/bench/SessionManagement.Bench.dll" sessionstart --gateway http://127.0.0.1:4794 --runs 200 --label "RabbitMQ"
else
  echo; echo "(RabbitMQ not reachable on 5672: distributed rows skipped)"
fi
