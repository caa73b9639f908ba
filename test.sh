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

echo "== restore and build"
if ! dotnet build Portal.sln -c Release -nologo -v q; then
  echo "build failed"; echo "0 passed, 1 failed, 0 skipped"; exit 1
fi

results="$PWD/TestResults"
rm -rf "$results"; mkdir -p "$results"
status=0
extra_failed=0
run_tests() { # project, trx name, [VAR=value...], [-- extra dotnet test arguments...]
  local project=$1 name=$2; shift 2
  local envs=() args=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do envs+=("$1"); shift; done
  [ "${1:-}" = "--" ] && shift && args=("$@")
  echo "== $name"
  env "${envs[@]}" dotnet test "$project" -c Release --no-build -nologo "${args[@]}" \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" --results-directory "$results" || status=1
}
run_tests Portal.Tests/Portal.Tests.csproj unit-and-integration

# PostgreSQL leg: the whole unit and integration suite again, each test factory on its own fresh
# database of a throwaway PostgreSQL server (Hangfire.PostgreSql storage). Not being able to start it is a failure.
echo "== postgresql: starting a throwaway server"
if pg_env=$(db/pg-throwaway.sh start) && eval "$pg_env" && [ -n "${PORTAL_TEST_PG:-}" ]; then
  trap 'db/pg-throwaway.sh stop "$PG_THROWAWAY_DIR"' EXIT
  run_tests Portal.Tests/Portal.Tests.csproj postgresql \
    PORTAL_TEST_PROVIDER=PostgreSql "PORTAL_TEST_PG=$PORTAL_TEST_PG"
  if [ ! -f "$results/postgresql.trx" ]; then
    echo "FAILED: the PostgreSQL leg produced no results"; extra_failed=$((extra_failed + 1)); status=1
  fi
  # The SIGKILL-under-load and SIGTERM-drain tests, and two instances behind nginx, against PostgreSQL too.
  run_tests Portal.E2E/Portal.E2E.csproj postgresql-kill-load \
    PORTAL_TEST_PROVIDER=PostgreSql "PORTAL_TEST_PG=$PORTAL_TEST_PG" -- --filter "FullyQualifiedName~KillLoadTests|FullyQualifiedName~DrainTests|FullyQualifiedName~NginxTests"
else
  echo "FAILED: PostgreSQL could not be started, so the PostgreSQL leg did not run (see the messages above)"
  extra_failed=$((extra_failed + 1)); status=1
fi

run_tests Portal.E2E/Portal.E2E.csproj e2e

for report in "$results"/e2e-artifacts/kill-load-*.txt; do
  [ -f "$report" ] && echo "kill test: $(cat "$report")"
done
for report in "$results"/e2e-artifacts/drain-*.txt; do
  [ -f "$report" ] && echo "drain test: $(cat "$report")"
done
for report in "$results"/e2e-artifacts/nginx-*.txt; do
  [ -f "$report" ] && echo "nginx test: $(cat "$report")"
done

# Sum the counters of every .trx file.
read -r passed failed skipped < <(python3 - "$results" <<'PY'
import glob, re, sys
p = f = s = 0
for path in glob.glob(sys.argv[1] + "/*.trx"):
    m = re.search(r'<Counters [^>]*>', open(path, encoding="utf-8").read())
    if not m: continue
    c = dict(re.findall(r'(\w+)="(\d+)"', m.group(0)))
    p += int(c.get("passed", 0)); f += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0)) + int(c.get("aborted", 0))
    s += int(c.get("notExecuted", 0))
print(p, f, s)
PY
)
failed=$((failed + extra_failed))
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
