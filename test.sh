#!/usr/bin/env bash
# Gets the servers and tools the tests need (RabbitMQ, the MongoDB test double, Claude Code and ccusage from npm, Debian's
# chromium), runs every test, and ends with one line: N passed, N failed, N skipped.
#
# RabbitMQ and MongoDB come from SM_TEST_RABBITMQ_URI / SM_TEST_MONGODB_URI when both are set; else from
# Testcontainers when Docker can run the pinned images; else this script installs (apt) and starts a
# local RabbitMQ and the MongoDB wire-protocol TEST DOUBLE (tests/mongodb-test-double, not MongoDB).
# It stops only what it started.
set -uo pipefail
cd "$(dirname "$0")"
root=$(pwd)
work="$root/.sm-test"
mkdir -p "$work"

rabbit_image="rabbitmq:3.13.7-management-alpine"
mongo_image="mongo:7.0.14"
started_rabbitmq=0
double_pid=""

say() { printf '[test.sh +%ss] %s\n' "$SECONDS" "$*"; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
  say "installing with apt: $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null 2>&1 || true
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >"$work/apt.log" 2>&1 \
    || { say "apt-get install $* failed:"; tail -20 "$work/apt.log"; exit 1; }
}

cleanup() {
  if [ -n "$double_pid" ] && kill -0 "$double_pid" 2>/dev/null; then
    say "stopping the MongoDB test double (pid $double_pid)"
    kill "$double_pid" 2>/dev/null; wait "$double_pid" 2>/dev/null
  fi
  double_pid=""
  if [ "$started_rabbitmq" -eq 1 ]; then
    say "stopping the RabbitMQ this script started"
    as_root rabbitmqctl -q stop >/dev/null 2>&1 || true
  fi
  started_rabbitmq=0
}
trap cleanup EXIT

docker_can_serve() {
  [ "${SM_TEST_USE_DOCKER:-1}" != "0" ] || return 1
  command -v docker >/dev/null 2>&1 && timeout 10 docker info >/dev/null 2>&1 || return 1
  for image in "$rabbit_image" "$mongo_image"; do
    docker image inspect "$image" >/dev/null 2>&1 || timeout 120 docker pull -q "$image" >/dev/null 2>&1 || return 1
  done
}

start_rabbitmq() {
  if ! command -v rabbitmq-server >/dev/null 2>&1; then
    apt_install rabbitmq-server
  fi
  if timeout 15 rabbitmqctl -q await_startup >/dev/null 2>&1; then
    say "RabbitMQ is already running; using it"
  else
    as_root rabbitmq-plugins enable --offline rabbitmq_management >/dev/null 2>&1 || true
    say "starting RabbitMQ"
    as_root rabbitmq-server -detached >/dev/null 2>&1
    started_rabbitmq=1
    local ready=0
    for _ in $(seq 1 60); do
      if timeout 10 rabbitmqctl -q await_startup >/dev/null 2>&1; then ready=1; break; fi
      sleep 1
    done
    [ "$ready" -eq 1 ] || { say "RabbitMQ did not start within 60 s"; exit 1; }
  fi
  export SM_TEST_RABBITMQ_URI="amqp://guest:guest@127.0.0.1:5672/"
  say "RabbitMQ (real broker) at $SM_TEST_RABBITMQ_URI"
}

start_mongodb_test_double() {
  if ! /usr/bin/python3 -c 'import mockupdb, mongomock' >/dev/null 2>&1; then
    apt_install python3-mockupdb python3-mongomock
  fi
  local port
  port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  /usr/bin/python3 "$root/tests/mongodb-test-double/mongodb_test_double.py" --port "$port" >"$work/mongodb-test-double.log" 2>&1 &
  double_pid=$!
  for _ in $(seq 1 100); do
    grep -q 'listening on' "$work/mongodb-test-double.log" 2>/dev/null && break
    kill -0 "$double_pid" 2>/dev/null || { say "the MongoDB test double failed to start:"; cat "$work/mongodb-test-double.log"; exit 1; }
    sleep 0.2
  done
  export SM_TEST_MONGODB_URI="mongodb://127.0.0.1:$port/?directConnection=true"
  say "$(head -1 "$work/mongodb-test-double.log")"
}

# What apt has to bring, asked for at once (one update, one install) rather than piece by piece.
local_servers=0
if [ -z "${SM_TEST_RABBITMQ_URI:-}" ] || [ -z "${SM_TEST_MONGODB_URI:-}" ]; then
  docker_can_serve || local_servers=1
fi
missing=()
if [ "$local_servers" -eq 1 ]; then
  [ -n "${SM_TEST_RABBITMQ_URI:-}" ] || command -v rabbitmq-server >/dev/null 2>&1 || missing+=(rabbitmq-server)
  [ -n "${SM_TEST_MONGODB_URI:-}" ] || /usr/bin/python3 -c 'import mockupdb, mongomock' >/dev/null 2>&1 || missing+=(python3-mockupdb python3-mongomock)
fi
{ [ -n "${SM_TEST_CHROMIUM:-}" ] && [ -x "$SM_TEST_CHROMIUM" ]; } || command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
[ "${#missing[@]}" -eq 0 ] || apt_install "${missing[@]}"

if [ -n "${SM_TEST_RABBITMQ_URI:-}" ] && [ -n "${SM_TEST_MONGODB_URI:-}" ]; then
  say "using the given servers: RabbitMQ $SM_TEST_RABBITMQ_URI, MongoDB $SM_TEST_MONGODB_URI"
elif [ "$local_servers" -eq 0 ]; then
  say "Docker can run $rabbit_image and $mongo_image: Testcontainers will start real RabbitMQ and MongoDB"
else
  say "no server URIs given and Docker cannot serve the images: starting local servers"
  [ -n "${SM_TEST_RABBITMQ_URI:-}" ] || start_rabbitmq
  [ -n "${SM_TEST_MONGODB_URI:-}" ] || start_mongodb_test_double
fi

# What an install found, for the shell that runs the tests (the installs run in a background subshell): a line of installs.env.
found() { printf 'export %s=%q\n' "$1" "$2" >>"$work/installs.env"; }

install_claude_code() {
  # The real Claude Code CLI for the end-to-end test: from npm, never logged in, fires real hooks.
  if [ -n "${SM_TEST_CLAUDE:-}" ] && [ -x "$SM_TEST_CLAUDE" ]; then return; fi
  local prefix="$work/claude-code" version="${SM_TEST_CLAUDE_VERSION:-2.1.332}"
  local exe="$prefix/node_modules/@anthropic-ai/claude-code/bin/claude.exe"
  if [ ! -x "$exe" ] || ! "$exe" --version 2>/dev/null | grep -q "$version"; then
    say "installing Claude Code $version from npm (for the end-to-end test)"
    mkdir -p "$prefix"
    npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error "@anthropic-ai/claude-code@$version" >"$work/npm.log" 2>&1 \
      || { say "npm install of Claude Code failed (the end-to-end test will say so):"; tail -5 "$work/npm.log"; return; }
  fi
  [ -x "$exe" ] && found SM_TEST_CLAUDE "$exe" && say "Claude Code $("$exe" --version 2>/dev/null) at $exe"
}

install_ccusage() {
  # ccusage, the token and cost report users compare ours with: run offline on the files a test writes.
  if [ -n "${SM_TEST_CCUSAGE:-}" ] && [ -f "$SM_TEST_CCUSAGE" ]; then return; fi
  local prefix="$work/ccusage" version="${SM_TEST_CCUSAGE_VERSION:-17.2.1}"
  local script="$prefix/node_modules/ccusage/dist/index.js"
  if [ ! -f "$script" ] || ! grep -q "\"version\": \"$version\"" "$prefix/node_modules/ccusage/package.json" 2>/dev/null; then
    say "installing ccusage $version from npm (for the usage comparison)"
    mkdir -p "$prefix"
    npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error "ccusage@$version" >"$work/npm-ccusage.log" 2>&1 \
      || { say "npm install of ccusage failed (the usage comparison will say so):"; tail -5 "$work/npm-ccusage.log"; return; }
  fi
  [ -f "$script" ] && found SM_TEST_CCUSAGE "$script" && say "ccusage $version at $script"
}

install_chromium() {
  # A real browser for the web view's tests: Debian's chromium, which Playwright drives by its path (nothing downloaded).
  if [ -n "${SM_TEST_CHROMIUM:-}" ] && [ -x "$SM_TEST_CHROMIUM" ]; then return; fi
  command -v chromium >/dev/null 2>&1 || apt_install chromium
  export SM_TEST_CHROMIUM="$(command -v chromium)"
  say "$("$SM_TEST_CHROMIUM" --version 2>/dev/null | head -1) at $SM_TEST_CHROMIUM"
}

command -v dotnet >/dev/null 2>&1 || { say "the .NET SDK (dotnet) is not on PATH"; exit 1; }

# npm's downloads wait on the network while the build works the two cores: run them meanwhile (each says what it did after).
: >"$work/installs.env"
( install_claude_code; install_ccusage ) >"$work/installs.log" 2>&1 &
installs_pid=$!
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Release, the build run.sh gives users: the tests run the code as users run it.
say "building (Release)"
if ! dotnet build Microservices.sln -c Release -nologo -v q >"$work/build.log" 2>&1; then
  grep -E 'error|Error' "$work/build.log" | sort -u | head -40
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi

say "publishing sm-hook (Native AOT), so the tests run the binary users install"
if dotnet publish services/SessionManagement.HookBridge -c Release -r linux-x64 -nologo -v q -o "$work/sm-hook" >"$work/publish.log" 2>&1; then
  export SM_TEST_SM_HOOK="$work/sm-hook/sm-hook"
else
  say "Native AOT publish failed; the tests run sm-hook under dotnet instead:"; tail -5 "$work/publish.log"
fi
wait "$installs_pid"
cat "$work/installs.log"
. "$work/installs.env"
install_chromium

say "running every test"
# test-times.log: each test's result line with the seconds since the start when it came, to see which tests end the run.
stamp() { while IFS= read -r line; do case $line in passed\ *|failed\ *|skipped\ *) printf '+%ss %s\n' "$SECONDS" "$line" ;; esac; done; }
dotnet test --solution Microservices.sln -c Release --no-build --output Detailed 2>&1 | tee "$work/test.log" >(stamp >"$work/test-times.log")
status=${PIPESTATUS[0]}

summary() { grep -E "^\s+$1: [0-9]+" "$work/test.log" | tail -1 | grep -oE '[0-9]+' || echo 0; }
passed=$(summary succeeded); failed=$(summary failed); skipped=$(summary skipped)
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
cleanup
if [ "$failed" -ne 0 ]; then
  # The run's output is long and a CI log may keep only its end: say again which tests failed and why.
  say "the failed tests, again:"
  awk '/^(passed|failed|skipped) /{show = ($1 == "failed"); n = 0} show && n++ < 60' "$work/test.log"
fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
