#!/usr/bin/env bash
# What the first session after a host's start waits for: a fresh embedded Release host, ready, then the first SessionStart,
# status row and prompt hook, each timed by curl against the ones after it. Run several times, it prints one line each:
#   bench/first-hooks.sh [runs] [seconds of rest after ready]
# SM_BENCH_HOST=path/to/SessionManagement.Host.dll runs a build made before instead (to compare two builds, alternated).
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"; rest="${2:-3}"
work=$(mktemp -d /tmp/sm-first.XXXXXX)
hp=""
trap '[ -n "$hp" ] && kill "$hp" 2>/dev/null; rm -rf "$work"' EXIT
host="${SM_BENCH_HOST:-$work/host/SessionManagement.Host.dll}"
[ -n "${SM_BENCH_HOST:-}" ] || dotnet build services/SessionManagement.Host -c Release -nologo -v q -o "$work/host" >/dev/null
url=http://127.0.0.1:4843
post() { curl -s -o /dev/null -w "%{time_total}" -X POST "$url$1" -H 'content-type: application/json' -d "$2"; }
ms() { awk -v s="$1" 'BEGIN { printf "%.0f", s * 1000 }'; }
echo "## first hooks after a start, $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, $rest s after ready (ms: first, second, third)"
for run in $(seq 1 "$runs"); do
  rm -rf "$work/home" "$work/data"; mkdir -p "$work/home"
  env HOME="$work/home" SM_DATA_DIR="$work/data" SM_Http__Urls=$url DOTNET_TC_CallCountingDelayMs=5 SM_Logging__LogLevel__Default=Warning \
      dotnet "$host" --target=all >"$work/host.log" 2>&1 &
  hp=$!
  for _ in $(seq 1 240); do curl -sf $url/readyz >/dev/null && break; sleep 0.25; done
  sleep "$rest"
  start=() status=() prompt=()
  for i in 1 2 3; do
    start+=("$(ms "$(post /hooks "{\"session_id\":\"first-$i\",\"hook_event_name\":\"SessionStart\",\"source\":\"startup\",\"cwd\":\"/work/app\"}")")")
    status+=("$(ms "$(post '/statusline?colour=0' "{\"session_id\":\"first-$i\",\"model\":{\"display_name\":\"Opus\"},\"workspace\":{\"project_dir\":\"/work/app\"}}")")")
    prompt+=("$(ms "$(post /hooks "{\"session_id\":\"first-$i\",\"hook_event_name\":\"UserPromptSubmit\",\"prompt\":\"go on\",\"cwd\":\"/work/app\"}")")")
  done
  echo "- run $run: SessionStart ${start[*]}; status row ${status[*]}; prompt ${prompt[*]}"
  kill "$hp"; wait "$hp" 2>/dev/null || true; hp=""
done
