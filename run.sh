#!/usr/bin/env bash
# Builds and starts session management on its embedded default: one process, in-memory bus, SQLite file.
# Ctrl-C stops it. Configuration: docs/configuration.md; any SM_ variable or --key=value works here.
set -euo pipefail
cd "$(dirname "$0")"
command -v dotnet >/dev/null 2>&1 || { echo "run.sh: the .NET 10 SDK (dotnet) is needed" >&2; exit 1; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

echo "Building…"
dotnet build services/SessionManagement.Host -c Release -nologo -v q -o artifacts/host >/dev/null
# smctl compiled ahead (ReadyToRun): it starts in about 0.2 s instead of 0.3; built plainly if that cannot be done here.
dotnet publish services/SessionManagement.Cli -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -nologo -v q -o artifacts/smctl >/dev/null 2>&1 \
  || dotnet build services/SessionManagement.Cli -c Release -nologo -v q -o artifacts/smctl >/dev/null
if dotnet publish services/SessionManagement.HookBridge -c Release -r linux-x64 -nologo -v q -o artifacts/sm-hook >artifacts/sm-hook-publish.log 2>&1; then
  sm_hook="$(pwd)/artifacts/sm-hook/sm-hook"
else
  echo "(Native AOT publish of sm-hook failed — see artifacts/sm-hook-publish.log; using it under dotnet)"
  dotnet build services/SessionManagement.HookBridge -c Release -nologo -v q -o artifacts/sm-hook-jit >/dev/null
  sm_hook="dotnet $(pwd)/artifacts/sm-hook-jit/sm-hook.dll"
fi

urls="${SM_Http__Urls:-http://127.0.0.1:4780}"
cat <<MSG
Session management (embedded: in-memory bus, SQLite in ${SM_DATA_DIR:-$HOME/.claude/session-management})
  listening on  $urls
  web view      $urls/          (sessions, search, reports, health, live)
  health        $urls/healthz   readiness $urls/readyz   metrics $urls/metrics   hooks seen $urls/api/hooks
Install the hooks (once; another terminal):
  $sm_hook install --user              # or: --project DIR, add --http for HTTP hooks
Find, import, restore and check sessions:
  dotnet $(pwd)/artifacts/smctl/smctl.dll --help
Ctrl-C stops it.
MSG
# Hot code is recompiled 5 ms after the last new method instead of 100 (SessionManagement.Host.csproj says why).
export DOTNET_TC_CallCountingDelayMs="${DOTNET_TC_CallCountingDelayMs:-5}"
exec dotnet artifacts/host/SessionManagement.Host.dll "$@"
