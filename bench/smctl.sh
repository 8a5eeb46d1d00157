#!/usr/bin/env bash
# smctl against a fresh embedded Release host: import of a generated projects tree (twice: the second run must import nothing),
# restore of one large session, byte for byte, and its JSONL export. Prints the figures for docs/benchmarks.md:
#   bench/smctl.sh [transcripts] [MB in all] [lines of the large session]
# The tree is `bench tree`'s: transcripts in Claude Code's shape (one in ten a subagent's) under eight project folders.
set -euo pipefail
cd "$(dirname "$0")/.."
files="${1:-2000}"; mb="${2:-2000}"; big="${3:-230000}"
work=$(mktemp -d /tmp/sm-smctl.XXXXXX)
hp=""
trap '[ -n "$hp" ] && kill "$hp" 2>/dev/null; rm -rf "$work"' EXIT
dotnet build services/SessionManagement.Host -c Release -nologo -v q -o "$work/host" >/dev/null
dotnet publish services/SessionManagement.Cli -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -nologo -v q -o "$work/cli" >/dev/null  # as run.sh builds it
dotnet build bench/SessionManagement.Bench -c Release -nologo -v q -o "$work/bench" >/dev/null
dotnet "$work/bench/SessionManagement.Bench.dll" tree --out "$work/tree" --files "$files" --mb "$mb" >"$work/tree.txt"
bench/gen-transcript.py big-session "$big" "$work/big.jsonl"
mkdir -p "$work/home"
env HOME="$work/home" SM_DATA_DIR="$work/data" SM_Http__Urls=http://127.0.0.1:4842 DOTNET_TC_CallCountingDelayMs=5 SM_Logging__LogLevel__Default=Warning \
    SM_session_management__chat_management__history_retention=1000000 dotnet "$work/host/SessionManagement.Host.dll" --target=all >"$work/host.log" 2>&1 &
hp=$!
for _ in $(seq 1 120); do curl -sf http://127.0.0.1:4842/readyz >/dev/null && break; sleep 0.5; done
export SM_GATEWAY_URL=http://127.0.0.1:4842
echo "## smctl, $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores: $(cat "$work/tree.txt"); a session of $big lines ($(( $(stat -c %s "$work/big.jsonl") / 1000000 )) MB)"
# The host's CPU in clock ticks; one of the host's own figures on /metrics, by its name and labels as written there.
hostcpu() { awk '{print $14+$15}' /proc/$hp/stat; }
metric() { curl -s http://127.0.0.1:4842/metrics | awk -v name="$1" '$1 == name {print $2}'; }
# The whole machine's idle and disk-waiting time over the import (/proc/stat), and how long the host's garbage collector stopped it.
machine() { awk '/^cpu /{print $2+$3+$4+$5+$6+$7+$8+$9, $5, $6}' /proc/stat; }
paused() { metric system_runtime_dotnet_gc_pause_time; }
read -r all0 idle0 iowait0 < <(machine); pause0=$(paused)
cpu0=$(hostcpu)
/usr/bin/time -v dotnet "$work/cli/smctl.dll" import "$work/tree" --json >"$work/first.json" 2>"$work/first.time"
cpu1=$(hostcpu)
read -r all1 idle1 iowait1 < <(machine); pause1=$(paused)
python3 -c "import json; d=json.load(open('$work/first.json')); print('- import:', d['imported'], 'of', d['files'], 'files,', d['lines'], 'lines,', d['seconds'], 's,', d['megabytesPerSecond'], 'MB/s')"
echo "- peak RSS: smctl $(grep 'Maximum resident' "$work/first.time" | awk '{printf "%d", $6/1024}') MB, host $(grep VmHWM /proc/$hp/status | awk '{printf "%d", $2/1024}') MB; CPU: host $(( (cpu1 - cpu0) / $(getconf CLK_TCK) )) s, smctl $(grep -E 'User time|System time' "$work/first.time" | awk '{s += $4} END {printf "%.1f", s}') s"
echo "- the machine's $(nproc) cores during the import: idle $(( 100 * (idle1 - idle0) / (all1 - all0) )) %, waiting on the disk $(( 100 * (iowait1 - iowait0) / (all1 - all0) )) %; the host stopped by its garbage collector $(echo "$pause1 - $pause0" | bc | xargs printf "%.2f") s"
dotnet "$work/cli/smctl.dll" import "$work/tree" --json >"$work/second.json"
python3 -c "import json; d=json.load(open('$work/second.json')); print('- second import:', d['imported'], 'imported,', d['skipped'], 'skipped (held, checked by content),', d['seconds'], 's')"
curl -s --data-binary @"$work/big.jsonl" "http://127.0.0.1:4842/api/sessions/import?session=big-session&name=big.jsonl" >/dev/null
# Twice: right after the import (the host still indexing it for search behind the writes), then again into another folder.
for run in first second; do
  start=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$work/restore-$run.rss" dotnet "$work/cli/smctl.dll" restore big-session --config-dir "$work/restored-$run" --json >/dev/null
  end=$(date +%s.%N)
  echo "- restore ($run) of $(stat -c %s "$work/big.jsonl") bytes: $(echo "$end - $start" | bc) s, smctl peak RSS $(( $(cat "$work/restore-$run.rss") / 1024 )) MB; byte for byte: $(cmp -s "$work/big.jsonl" "$(find "$work/restored-$run" -name big-session.jsonl)" && echo yes || echo NO)"
done
# Three JSONL exports of the large session with curl: time, the host's CPU, and the full collections each set off (the runtime's
# own count on /metrics).
full() { metric 'dotnet_collection_count_total{generation="2"}'; }
for run in 1 2 3; do
  gc0=$(full); cpu0=$(hostcpu); start=$(date +%s.%N)
  curl -s -o "$work/export.jsonl" "http://127.0.0.1:4842/api/sessions/big-session/export?format=jsonl"
  end=$(date +%s.%N); cpu1=$(hostcpu); gc1=$(full)
  echo "- export ($run): $(echo "$end - $start" | bc) s, host CPU $(echo "scale=2; ($cpu1 - $cpu0) / $(getconf CLK_TCK)" | bc) s, full collections $((gc1 - gc0)); byte for byte: $(cmp -s "$work/big.jsonl" "$work/export.jsonl" && echo yes || echo NO)"
done
