#!/usr/bin/env bash
# The fault suite at scale: every scenario of tests/SessionManagement.Faults.Tests with 10,000 events (or $1) instead of
# ~1,000, its counts printed as Markdown for docs/reliability.md:   bench/faults.sh [events]
# Needs what ./test.sh starts: RabbitMQ (SM_TEST_RABBITMQ_URI, default amqp://guest:guest@127.0.0.1:5672/) and root for the
# full-disk scenario (it mounts a small tmpfs; without root it skips saying so).
set -uo pipefail
cd "$(dirname "$0")/.."
events="${1:-10000}"
work=$(mktemp -d /tmp/sm-faults.XXXXXX)
trap 'rm -rf "$work"' EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
export SM_TEST_RABBITMQ_URI="${SM_TEST_RABBITMQ_URI:-amqp://guest:guest@127.0.0.1:5672/}"
dotnet publish services/SessionManagement.HookBridge -c Release -r linux-x64 -nologo -v q -o "$work/sm-hook" >/dev/null || exit 1
dotnet build tests/SessionManagement.Faults.Tests -nologo -v q >/dev/null || exit 1
export SM_TEST_SM_HOOK="$work/sm-hook/sm-hook" SM_FAULT_EVENTS="$events" SM_FAULT_REPORT="$work/report.tsv" SM_FAULT_CUT_SECONDS="${SM_FAULT_CUT_SECONDS:-30}"
started=$(date +%s)
dotnet test --project tests/SessionManagement.Faults.Tests --no-build >"$work/test.log" 2>&1
status=$?
echo "## Fault suite, $events events a scenario, $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores ($(( $(date +%s) - started )) s)"
echo
echo "| scenario | sent | acknowledged | stored | duplicated | missing | notes |"
echo "|---|---|---|---|---|---|---|"
awk -F'\t' '{ n=split($0, f, "\t"); printf "| %s |", f[1]; for (i = 2; i <= 6; i++) { sub(/^[a-z]+ /, "", f[i]); printf " %s |", f[i] } printf " %s |\n", (n > 6 ? f[7] : "") }' "$work/report.tsv" 2>/dev/null
echo
grep -E "^\s+(total|failed|succeeded|skipped):" "$work/test.log" | tr -s ' ' | paste -sd ' '
[ "$status" -eq 0 ] || { echo; grep -E -A15 "^failed " "$work/test.log" | head -60; }
exit "$status"
