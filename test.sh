#!/usr/bin/env bash
# Portal's test command: installs what a fresh Debian machine lacks, builds, runs every test project and ends
# with one line "N passed, N failed, N skipped" summed over all of them. Exit code 0 only when all passed.
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# Browser for the Playwright journeys: Debian's chromium (Playwright cannot download its own here).
if [ ! -x /usr/bin/chromium ]; then
  echo "== installing chromium"
  as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null || {
    echo "could not install chromium"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
fi

# Debian's redis-server and nginx: the shared-limits tests start throwaway redis-servers, the proxy tests run the
# shipped deploy/nginx/portal.conf in front of two Portal processes (a missing server fails them; it is never skipped).
servers=()
command -v redis-server >/dev/null 2>&1 || servers+=(redis-server)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || servers+=(nginx-light)
if [ ${#servers[@]} -gt 0 ]; then
  echo "== installing ${servers[*]}"
  { as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${servers[@]}" >/dev/null; } || {
    echo "could not install ${servers[*]}"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
fi

# A CJK font, so the Chinese pages in the E2E screenshots are legible (the tests pass without it).
if ! fc-list :lang=zh 2>/dev/null | grep -q .; then
  echo "== installing a CJK font"
  { as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei >/dev/null; } \
    || echo "(no CJK font: Chinese text in screenshots shows as boxes)"
fi

# Independent implementations the WeChat Pay crypto tests compare against: openssl (RSA-SHA256) and Python's
# cryptography package (AES-256-GCM).
if ! command -v openssl >/dev/null || ! python3 -c 'import cryptography' 2>/dev/null; then
  echo "== installing openssl and python3-cryptography"
  as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssl python3 python3-cryptography >/dev/null \
    || echo "(could not install openssl/python3-cryptography: the WeChat Pay crypto comparison tests will fail)"
fi

# Node.js for the OpenAPI linters (Spectral and Redocly CLI, installed from the npm registry at test time).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "== installing nodejs and npm"
  { as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; } \
    || echo "(could not install nodejs/npm: the OpenAPI lint leg will fail)"
fi

echo "== restore and build"
dotnet tool restore >/dev/null || echo "(dotnet tool restore failed: the generated-client test will fail)"
if ! dotnet build Portal.sln -c Release -nologo -v q; then
  echo "build failed"; echo "0 passed, 1 failed, 0 skipped"; exit 1
fi

results="$PWD/TestResults"
rm -rf "$results"; mkdir -p "$results"
status=0
extra_failed=0
# A test that hangs must fail by name, not stall the run: VSTest's hang blame stops the test host when one test runs
# longer than $hang (5 minutes for unit and integration tests, 15 for the browser and process journeys) and reports
# that test; a whole leg past $leg_limit is stopped too, so the run always reaches its summary line.
run_tests() { # project, trx name, [VAR=value...], [-- extra dotnet test arguments...]
  local project=$1 name=$2; shift 2
  local envs=() args=() hang=5m leg_limit=20m
  case "$project" in Portal.E2E/*) hang=15m; leg_limit=30m ;; esac
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do envs+=("$1"); shift; done
  [ "${1:-}" = "--" ] && shift && args=("$@")
  echo "== $name"
  env "${envs[@]}" timeout --kill-after=30s "$leg_limit" dotnet test "$project" -c Release --no-build -nologo "${args[@]}" \
    --blame-hang --blame-hang-timeout "$hang" --blame-hang-dump-type none \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" --results-directory "$results" || {
      status=1; [ -f "$results/$name.trx" ] || { echo "FAILED: $name produced no results"; extra_failed=$((extra_failed + 1)); }; }
  # A test host stopped by the hang blame can outlive dotnet test (holding this run's output open): end it.
  local host="${project%%/*}"
  pkill -KILL -f "$host/bin/Release/net10.0/$host( |\$)" 2>/dev/null || true
}
run_tests Portal.Tests/Portal.Tests.csproj unit-and-integration

# OpenAPI lint leg: the document the built app serves must have no errors under Spectral (spectral:oas) and Redocly
# (recommended). Each linter counts as one test in the summary.
extra_passed=0
lint_openapi() {
  echo "== openapi lint"
  local tools="${XDG_CACHE_HOME:-$HOME/.cache}/portal-openapi-lint" work doc port pid ok=1
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "FAILED: node and npm are needed for the OpenAPI linters and could not be installed"; extra_failed=$((extra_failed + 2)); status=1; return
  fi
  local node_major; node_major=$(node -p 'process.versions.node.split(".")[0]')
  mkdir -p "$tools"
  if [ "$node_major" -lt 20 ]; then
    # Redocly CLI needs Node.js 20 (Debian 12 ships 18): take Node 20 from the npm registry into the tool folder.
    echo "(Node.js $(node --version) is too old for Redocly CLI: installing Node.js 20 from the npm registry)"
    (cd "$tools" && npm install --no-audit --no-fund --silent node@20 >/dev/null 2>&1) && export PATH="$tools/node_modules/.bin:$PATH"
    node_major=$(node -p 'process.versions.node.split(".")[0]')
  fi
  if [ "$node_major" -lt 20 ]; then
    echo "FAILED: Redocly CLI needs Node.js 20 or later; found $(node --version)"; extra_failed=$((extra_failed + 2)); status=1; return
  fi
  if [ ! -x "$tools/node_modules/.bin/spectral" ] || [ ! -x "$tools/node_modules/.bin/redocly" ]; then
    (cd "$tools" && npm install --no-audit --no-fund --silent @stoplight/spectral-cli@6.16.3 @redocly/cli@2.77.0 >/dev/null 2>&1) || {
      echo "FAILED: npm could not install @stoplight/spectral-cli and @redocly/cli"; extra_failed=$((extra_failed + 2)); status=1; return; }
  fi
  printf 'extends: ["spectral:oas"]\n' > "$tools/spectral.yaml"
  work=$(mktemp -d); doc="$results/openapi.json"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  (cd Portal && ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS="http://127.0.0.1:$port" ConnectionStrings__Portal="Data Source=$work/portal.db" \
    Hangfire__ServerEnabled=false exec dotnet bin/Release/net10.0/Portal.dll >"$work/portal.log" 2>&1) &
  pid=$!
  for _ in $(seq 120); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.5; done
  curl -sf "http://127.0.0.1:$port/openapi/v1.json" -o "$doc" || ok=0
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  if [ "$ok" -ne 1 ]; then
    echo "FAILED: the app did not serve /openapi/v1.json:"; tail -20 "$work/portal.log"; rm -rf "$work"
    extra_failed=$((extra_failed + 2)); status=1; return
  fi
  rm -rf "$work"
  if "$tools/node_modules/.bin/spectral" lint --ruleset "$tools/spectral.yaml" --fail-severity error "$doc"; then
    extra_passed=$((extra_passed + 1))
  else echo "FAILED: Spectral reports errors in the OpenAPI document"; extra_failed=$((extra_failed + 1)); status=1; fi
  if REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true "$tools/node_modules/.bin/redocly" lint --extends recommended "$doc" 2>&1 \
      | grep -v -e '^ *[║╔╚]' ; [ "${PIPESTATUS[0]}" -eq 0 ]; then
    extra_passed=$((extra_passed + 1))
  else echo "FAILED: Redocly reports errors in the OpenAPI document"; extra_failed=$((extra_failed + 1)); status=1; fi
}
lint_openapi

# PostgreSQL leg: the whole unit and integration suite again, each test factory on its own fresh
# database of a throwaway PostgreSQL server (Hangfire.PostgreSql storage). Not being able to start it is a failure.
echo "== postgresql: starting a throwaway server"
if pg_env=$(db/pg-throwaway.sh start) && eval "$pg_env" && [ -n "${PORTAL_TEST_PG:-}" ]; then
  trap 'db/pg-throwaway.sh stop "$PG_THROWAWAY_DIR"' EXIT
  # The generated-client test does not touch the database beyond set-up; it runs once, in the SQLite leg, as do the
  # tests of SQLite's own machinery (trait ProviderOnly=Sqlite: its write-ahead log, checkpoints, the log's flush).
  run_tests Portal.Tests/Portal.Tests.csproj postgresql \
    PORTAL_TEST_PROVIDER=PostgreSql "PORTAL_TEST_PG=$PORTAL_TEST_PG" -- --filter "FullyQualifiedName!~GeneratedClientTests&ProviderOnly!=Sqlite"
  # The SIGKILL-under-load and SIGTERM-drain tests, and two instances behind nginx, against PostgreSQL too; the browser
  # journey through nginx (two browsers on two instances, Redis-shared limits) runs here only.
  run_tests Portal.E2E/Portal.E2E.csproj postgresql-kill-load \
    PORTAL_TEST_PROVIDER=PostgreSql "PORTAL_TEST_PG=$PORTAL_TEST_PG" -- --filter "FullyQualifiedName~KillLoadTests|FullyQualifiedName~DrainTests|FullyQualifiedName~NginxTests|FullyQualifiedName~NginxJourneyTests"
else
  echo "FAILED: PostgreSQL could not be started, so the PostgreSQL leg did not run (see the messages above)"
  extra_failed=$((extra_failed + 1)); status=1
fi

run_tests Portal.E2E/Portal.E2E.csproj e2e -- --filter "FullyQualifiedName!~NginxJourneyTests"

for report in "$results"/e2e-artifacts/kill-load-*.txt; do
  [ -f "$report" ] && echo "kill test: $(cat "$report")"
done
for report in "$results"/e2e-artifacts/drain-*.txt; do
  [ -f "$report" ] && echo "drain test: $(cat "$report")"
done
for report in "$results"/e2e-artifacts/nginx-*.txt; do
  [ -f "$report" ] && echo "nginx test: $(cat "$report")"
done

# Name every failed test again, with the first lines of its message, so the end of the output says what failed.
python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
for path in sorted(glob.glob(sys.argv[1] + "/*.trx")):
    try: root = ET.parse(path).getroot()
    except ET.ParseError: continue
    leg = path.rsplit("/", 1)[-1][:-4]
    for r in root.iterfind(".//t:UnitTestResult", ns):
        if r.get("outcome") not in ("Failed", "Error", "Timeout", "Aborted"): continue
        msg = r.findtext("t:Output/t:ErrorInfo/t:Message", default="", namespaces=ns).strip().splitlines()
        stack = r.findtext("t:Output/t:ErrorInfo/t:StackTrace", default="", namespaces=ns).strip().splitlines()
        print(f"FAILED [{leg}] {r.get('testName')}")
        for line in msg[:12] + [l for l in stack if "Portal." in l][:4]: print("    " + line[:300])
PY

# Sum the counters of every .trx file.
read -r passed failed skipped < <(python3 - "$results" <<'PY'
import glob, re, sys
p = f = s = 0
for path in glob.glob(sys.argv[1] + "/*.trx"):
    text = open(path, encoding="utf-8").read()
    m = re.search(r'<Counters [^>]*>', text)
    if not m: continue
    c = dict(re.findall(r'(\w+)="(\d+)"', m.group(0)))
    failures = int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0)) + int(c.get("aborted", 0))
    # A run stopped by the hang blame reports the test it stopped nowhere in the counters: count it as one failure.
    if failures == 0 and re.search(r'<ResultSummary outcome="(Failed|Aborted)"', text): failures = 1
    p += int(c.get("passed", 0)); f += failures
    s += int(c.get("notExecuted", 0))
print(p, f, s)
PY
)
passed=$((passed + extra_passed))
failed=$((failed + extra_failed))
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
