#!/usr/bin/env bash
# Portal's benchmark: billed API calls and public redirects as a ratio to a bare endpoint measured in the same run.
#
#   bench/run.sh                 full run: SQLite, then a throwaway PostgreSQL; 32 and 256 connections; one hot account
#                                and 1,000 accounts; a warm-up then 3 rounds of 10 s per scenario (about 20 minutes)
#   bench/run.sh --quick         a quick check: SQLite only, 32 connections, one round of 4 s (about 3 minutes)
#   bench/run.sh --instances 2   several instances: on a throwaway PostgreSQL, one Portal behind nginx, then two Portals
#                                behind the same nginx (deploy/nginx/portal.conf), each on a fresh database; the table
#                                gains an "instances" column, so the two sit side by side (with --quick: about 3 minutes)
#   options: --providers "sqlite postgresql"  --connections "32 256"  --duration SECONDS  --rounds N  --accounts N
#            --instances N (1 = Portal alone, wrk straight to it, as without the option)
#
# Every route is driven once before anything is measured, and bare is measured before and after the other routes of
# each connection count: the table divides by the higher of the two, so no ratio rests on a bare figure taken while
# the process was still warming up.
#
# For each provider it builds Release, seeds the accounts with `admin load-test seed`, starts Portal (Production,
# rate limiter off, SQLite in WAL with synchronous=FULL; PostgreSQL with fsync=on and synchronous_commit=on, new WAL
# segments not zero-filled: see db/pg-throwaway.sh), drives it
# with wrk from the same machine, stops it cleanly (SIGTERM), then checks from the database that the money invariants
# hold (`admin billing verify`), that every 200 the load generator saw has a Succeeded charge and that every 302 was
# counted as a visit. It prints one table; the README's "Performance" section is a copy of one. Under the table it
# gives how long a 4 KiB write and its fdatasync took on the database's disk before and after the runs: billed calls
# wait for that flush and bare ones do not, so it is part of reading a run's ratios. Its last two columns are what the
# database's disk wrote per request during the round (from the block device's counters) and the CPU time Portal (and
# the PostgreSQL server) spent per request (from /proc).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

providers="sqlite postgresql"; connections="32 256"; duration=10; rounds=3; accounts=1000; warmup=3
instances=1; providers_given=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) [ -z "$providers_given" ] && providers="sqlite"; connections="32"; duration=4; rounds=1; warmup=2; shift ;;
    --providers) providers=$2; providers_given=1; shift 2 ;;
    --instances) instances=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --accounts) accounts=$2; shift 2 ;;
    *) echo "unknown option $1 (see the head of $0)" >&2; exit 2 ;;
  esac
done
# Modes: "direct" (wrk → Portal) or "N" (wrk → nginx → N Portals). Several instances share one PostgreSQL.
if ! [[ "$instances" =~ ^[1-9][0-9]*$ ]]; then echo "--instances takes a positive number" >&2; exit 2; fi
if [ "$instances" -eq 1 ]; then
  modes="direct"
else
  modes="1 $instances"
  [ -z "$providers_given" ] && providers="postgresql"
  if [[ " $providers " == *" sqlite "* ]]; then echo "several instances need PostgreSQL: --providers postgresql" >&2; exit 2; fi
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || {
    echo "== installing nginx" >&2
    as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
    as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null; }
fi

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
if ! command -v wrk >/dev/null; then
  echo "== installing wrk" >&2
  as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi

echo "== building Release" >&2
dotnet build Portal/Portal.csproj -c Release -nologo -v q >/dev/null
app="$PWD/Portal/bin/Release/net10.0/Portal.dll"
work=$(mktemp -d "${TMPDIR:-/tmp}/portal-bench.XXXXXX")
results="$work/results.tsv"
: >"$results"
disk_probe() { # median and p99 of a 4 KiB write + fdatasync in $work (the SQLite database's disk), 300 tries
  python3 - "$work" <<'PY'
import os, sys, time
path = os.path.join(sys.argv[1], "fsync-probe")
fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
block, times = os.urandom(4096), []
for _ in range(300):
    start = time.perf_counter(); os.write(fd, block); os.fdatasync(fd); times.append(time.perf_counter() - start)
os.close(fd); os.unlink(path)
times.sort()
print(f"{times[len(times) // 2] * 1e6:.0f} µs median, {times[int(len(times) * 0.99)] * 1e6:.0f} µs p99")
PY
}
# The block device holding $work (the SQLite database and the throwaway PostgreSQL's data directory): its sectors written
# before and after each measured round give the bytes the disk took per request (the log, checkpoints, the file
# system's journal; writes that other processes make meanwhile count too, so read it as an upper bound).
disk_stat=""
disk_dev=$(df --output=source "$work" 2>/dev/null | tail -1); disk_dev=$(readlink -f "$disk_dev" 2>/dev/null || echo "$disk_dev"); disk_dev=${disk_dev##*/}
[ -n "$disk_dev" ] && [ -r "/sys/class/block/$disk_dev/stat" ] && disk_stat="/sys/class/block/$disk_dev/stat"
sectors_written() { if [ -n "$disk_stat" ]; then awk '{print $7}' "$disk_stat"; else echo 0; fi; }
# CPU time (clock ticks, user + system) of the Portal instances, and of the throwaway PostgreSQL's processes (its
# postmaster and every child of it: the backends, the WAL writer, the checkpointer...), as "pid ticks" lines before and
# after each measured round: with the expected responses they give each route's CPU per request, which bounds what two
# cores can carry (docs/performance.md, "What two cores allow"). A process that ends during a round takes its share of
# the round with it; one that starts counts whole.
ticks_of() { local p; for p in "$@"; do echo "$p $(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | awk '{print $12 + $13}')"; done; }
portal_ticks() { ticks_of "${server_pids[@]}"; }
database_ticks() {
  local master=""
  [ -n "$pg_dir" ] && [ -r "$pg_dir/data/postmaster.pid" ] && master=$(head -1 "$pg_dir/data/postmaster.pid" 2>/dev/null)
  if [ -n "$master" ]; then ticks_of "$master" $(pgrep -P "$master" || true); fi
}
ticks_since() { # before (pid ticks lines), after: the ticks of the processes in after, less what each had before
  awk 'NR == FNR { if (NF == 2) before[$1] = $2; next } NF == 2 { t += $2 - ($1 in before ? before[$1] : 0) } END { print t + 0 }' \
    <(printf '%s\n' "$1") <(printf '%s\n' "$2")
}
clock_ticks=$(getconf CLK_TCK)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
server_pids=(); nginx_pid=""; pg_dir=""; keyring=""
cleanup() {
  for pid in "${server_pids[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  [ -n "$pg_dir" ] && db/pg-throwaway.sh stop "$pg_dir" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

portal() { # runs the app with the provider's settings
  (cd "$(dirname "$app")" && exec env ASPNETCORE_ENVIRONMENT=Production Database__Provider="$db_provider" ConnectionStrings__Portal="$db_conn" \
    Logging__LogLevel__Default=Warning RateLimiting__Enabled=false Portal__BootstrapAdmin__Password=Bench-Admin-Passw0rd \
    DataProtection__CertificatePath="$keyring" dotnet "$app" "$@")
}
start_server() { # url, log: one instance in the background; its pid (the app itself, no shell in between) joins $server_pids
  (cd "$(dirname "$app")" && exec env ASPNETCORE_ENVIRONMENT=Production Database__Provider="$db_provider" ConnectionStrings__Portal="$db_conn" \
    Logging__LogLevel__Default=Warning RateLimiting__Enabled=false Portal__BootstrapAdmin__Password=Bench-Admin-Passw0rd \
    DataProtection__CertificatePath="$keyring" dotnet "$app" --urls "$1") >"$2" 2>&1 &
  server_pids+=($!)
}
wait_healthy() { # url, log
  for _ in $(seq 1 120); do curl -sfk "$1/healthz" >/dev/null && return 0; sleep 0.5; done
  echo "Portal did not answer on $1; see $2" >&2; cat "$2" >&2; exit 1
}
start_nginx() { # instance ports...: the shipped deploy/nginx/portal.conf with these instances, its listen ports and a
  # self-signed certificate substituted (as the E2E tests render it); sets $base to its https address
  local dir="$work/nginx" https http servers="" p
  rm -rf "$dir"; mkdir -p "$dir/temp"
  https=$(free_port); http=$(free_port)
  for p in "$@"; do servers+="    server 127.0.0.1:$p max_fails=2 fail_timeout=5s;\n"; done
  openssl req -x509 -newkey rsa:2048 -nodes -days 7 -subj "/CN=127.0.0.1" -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
  python3 - "$dir" "$https" "$http" "$servers" <<'PY'
import sys
d, https, http, servers = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].replace("\\n", "\n")
text = open("deploy/nginx/portal.conf").read()
for old, new in [
    ("    server 10.0.0.11:5000 max_fails=2 fail_timeout=5s;   # EDIT: one line per Portal instance\n    server 10.0.0.12:5000 max_fails=2 fail_timeout=5s;\n", servers),
    ("    server 10.0.0.11:5000 max_fails=2 fail_timeout=5s;   # EDIT: the same instances\n    server 10.0.0.12:5000 max_fails=2 fail_timeout=5s;\n", servers),
    ("    listen 80;", f"    listen 127.0.0.1:{http};"), ("    listen 443 ssl;", f"    listen 127.0.0.1:{https} ssl;"),
    ("/etc/ssl/portal/fullchain.pem", f"{d}/cert.pem"), ("/etc/ssl/portal/privkey.pem", f"{d}/key.pem"),
    ("/var/log/nginx/portal-access.log", f"{d}/access.log")]:
    if old not in text: sys.exit(f"deploy/nginx/portal.conf no longer contains: {old!r}")
    text = text.replace(old, new)
open(f"{d}/portal.conf", "w").write(text)
PY
  { [ "$(id -u)" -eq 0 ] && echo "user root;"
    printf 'worker_processes auto;\npid %s/nginx.pid;\nerror_log %s/error.log warn;\nevents { worker_connections 4096; }\n' "$dir" "$dir"
    printf 'http {\n  client_body_temp_path %s/temp/body;\n  proxy_temp_path %s/temp/proxy;\n  include %s/portal.conf;\n}\n' "$dir" "$dir" "$dir"
  } >"$dir/nginx.conf"
  local binary; binary=$(command -v nginx || echo /usr/sbin/nginx)
  "$binary" -p "$dir/" -c "$dir/nginx.conf" -t 2>"$dir/test.log" || { cat "$dir/test.log" >&2; exit 1; }
  "$binary" -p "$dir/" -c "$dir/nginx.conf" -g "daemon off;" 2>>"$dir/error.log" &
  nginx_pid=$!
  base="https://127.0.0.1:$https"
}

# One wrk run; prints the RESULT line's fields as "rps p50 p99 expected other errors".
wrk_run() { # seconds, connections, use, method, path, body, expect
  local out
  out=$(BENCH_ACCOUNTS="$work/accounts.tsv" BENCH_USE=$3 BENCH_METHOD=$4 BENCH_PATH=$5 BENCH_BODY=$6 BENCH_EXPECT=$7 \
    wrk -t2 -c"$2" -d"$1"s --timeout 5s -s bench/load.lua "$base" 2>>"$work/wrk-stderr.log" | grep '^RESULT')
  echo "$out" | sed -E 's/.*rps=([0-9.]+) p50_ms=([0-9.]+) p99_ms=([0-9.]+) expected=([0-9]+) other=([0-9]+) socket_errors=([0-9]+).*/\1 \2 \3 \4 \5 \6/'
}

billed_ok=0; billed_slack=0; visits_ok=0; visits_slack=0; bad=0
scenario() { # name, connections, use, method, path, body, expect, kind(bare|billed|visit)
  local name=$1 c=$2 use=$3 kind=$8 r line rps p50 p99 ok other errors
  local -a rows=()
  line=$(wrk_run "$warmup" "$c" "$use" "$4" "$5" "$6" "$7")
  read -r rps p50 p99 ok other errors <<<"$line"
  count "$kind" "$ok" "$c"; bad=$((bad + other))
  for r in $(seq 1 "$rounds"); do
    local sectors app0 db0; sectors=$(sectors_written); app0=$(portal_ticks); db0=$(database_ticks)
    line=$(wrk_run "$duration" "$c" "$use" "$4" "$5" "$6" "$7")
    read -r rps p50 p99 ok other errors <<<"$line"
    local written=-1
    [ -n "$disk_stat" ] && [ "$ok" -gt 0 ] && written=$(( ($(sectors_written) - sectors) * 512 / ok ))
    local app_us=-1 db_us=-1 # µs of CPU per expected response
    [ "$ok" -gt 0 ] && app_us=$(( $(ticks_since "$app0" "$(portal_ticks)") * 1000000 / clock_ticks / ok )) \
      && db_us=$(( $(ticks_since "$db0" "$(database_ticks)") * 1000000 / clock_ticks / ok ))
    count "$kind" "$ok" "$c"; bad=$((bad + other))
    rows+=("$rps $p50 $p99 $other $errors $written $app_us $db_us")
    echo "   $label $name c=$c accounts=$use round $r: $rps req/s p50 ${p50} ms p99 ${p99} ms unexpected=$other" >&2
  done
  # The median round by throughput.
  line=$(printf '%s\n' "${rows[@]}" | sort -n -k1,1 | sed -n "$(((rounds + 1) / 2))p")
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$provider" "$use" "$c" "$line" "$mode" >>"$results"
}
count() { # kind, expected responses, connections (responses in flight when wrk stops may still be processed)
  case "$1" in
    billed) billed_ok=$((billed_ok + $2)); billed_slack=$((billed_slack + $3)) ;;
    visit) visits_ok=$((visits_ok + $2)); visits_slack=$((visits_slack + $3)) ;;
  esac
}

qr_body='{"appid":"wx0123456789abcdef","pagepath":"pages/index/index?id=1","type":"wxcode_a"}'
link_body='{"longUrl":"https://example.com/landing?from=bench"}'
failures=0
disk_before=$(disk_probe)
for provider in $providers; do
  case "$provider" in
    sqlite) db_provider=Sqlite; db_conn="Data Source=$work/sqlite/portal.db"; mkdir -p "$work/sqlite"; keyring="" ;;
    postgresql)
      echo "== starting a throwaway PostgreSQL (fsync=on, synchronous_commit=on, wal_init_zero=off)" >&2
      eval "$(PG_THROWAWAY_DURABLE=1 db/pg-throwaway.sh start)"
      pg_dir=$PG_THROWAWAY_DIR
      db_provider=PostgreSql; db_conn="${PORTAL_TEST_PG/Database=postgres/Database=portal_bench}"
      # Production on PostgreSQL needs the key ring's certificate (docs/operations.md).
      keyring="$work/keyring.pfx"
      openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=Portal bench key ring" -keyout "$work/kek.key" -out "$work/kek.crt" 2>/dev/null
      openssl pkcs12 -export -inkey "$work/kek.key" -in "$work/kek.crt" -out "$keyring" -passout pass: ;;
    *) echo "unknown provider $provider" >&2; exit 2 ;;
  esac
  for mode in $modes; do
  case "$mode" in
    direct) label="$provider"; mode_conn="$db_conn" ;;
    *) label="$provider, $mode behind nginx"; mode_conn="${db_conn/Database=portal_bench/Database=portal_bench_$mode}" ;;
  esac
  echo "== $label: seeding $accounts accounts" >&2
  if ! db_conn="$mode_conn" portal admin load-test seed --accounts "$accounts" --balance 10000000 --out "$work/accounts.tsv" >>"$work/seed.log" 2>&1; then
    echo "seeding failed:" >&2; tail -20 "$work/seed.log" >&2; exit 1
  fi
  billed_ok=0; billed_slack=0; visits_ok=0; visits_slack=0; bad=0
  saved_conn=$db_conn; db_conn=$mode_conn
  if [ "$mode" = direct ]; then
    base="http://127.0.0.1:$(free_port)"
    start_server "$base" "$work/server-$provider.log"; wait_healthy "$base" "$work/server-$provider.log"
  else
    ports=()
    for n in $(seq 1 "$mode"); do
      ports+=("$(free_port)")
      start_server "http://127.0.0.1:${ports[-1]}" "$work/server-$provider-$mode-$n.log"
      # One at a time: the first applies the migrations before the next starts on the database.
      wait_healthy "http://127.0.0.1:${ports[-1]}" "$work/server-$provider-$mode-$n.log"
    done
    start_nginx "${ports[@]}"; wait_healthy "$base" "$work/nginx/error.log"
  fi
  db_conn=$saved_conn

  # Every route once before anything is measured, so the first figure (bare) is not taken while the JIT still
  # compiles the others.
  for route in "POST /generate-qr $qr_body 200 billed" "POST /generate-shortlink $link_body 200 billed" "GET /s/ - 302 visit" "GET /healthz - 200 bare"; do
    read -r m path body expect kind <<<"$route"; [ "$body" = - ] && body=""
    read -r _ _ _ ok other _ <<<"$(wrk_run 2 32 "$accounts" "$m" "$path" "$body" "$expect")"
    count "$kind" "$ok" 32; bad=$((bad + other))
  done
  for c in $connections; do
    scenario "bare GET /healthz" "$c" 1 GET /healthz "" 200 bare
    for use in 1 "$accounts"; do
      scenario "POST /generate-qr (cache hit)" "$c" "$use" POST /generate-qr "$qr_body" 200 billed
      scenario "POST /generate-shortlink" "$c" "$use" POST /generate-shortlink "$link_body" 200 billed
      scenario "GET /s/{code}" "$c" "$use" GET /s/ "" 302 visit
    done
    # Bare again after the billed routes: the table divides by the higher of the two figures.
    scenario "bare GET /healthz" "$c" 1 GET /healthz "" 200 bare
  done

  for pid in "${server_pids[@]}"; do kill -TERM "$pid"; done
  for pid in "${server_pids[@]}"; do wait "$pid" || true; done
  server_pids=()
  split=""
  if [ -n "$nginx_pid" ]; then
    kill "$nginx_pid"; wait "$nginx_pid" 2>/dev/null || true; nginx_pid=""
    split="; requests per instance: $(sed -nE 's/.*upstream=([^ ,]+).*/\1/p' "$work/nginx/access.log" | sort | uniq -c | awk '{printf "%s%s %s", (NR > 1 ? ", " : ""), $2, $1}')"
  fi
  if curl -sfk "$base/healthz" >/dev/null 2>&1; then echo "Portal did not stop on SIGTERM" >&2; exit 1; fi
  audit=$(db_conn="$mode_conn" portal admin billing verify 2>>"$work/verify.log") && holds=yes || holds=no
  succeeded=$(sed -E 's/.* succeeded=([0-9]+).*/\1/' <<<"$audit"); visits=$(sed -E 's/.* shortLinkVisits=([0-9]+).*/\1/' <<<"$audit")
  echo "== $label after a clean stop: $audit" >&2
  check="invariants hold: $holds; 200s seen $billed_ok, Succeeded charges $succeeded (at most $billed_slack in flight at the ends of runs); 302s seen $visits_ok, visits counted $visits; unexpected statuses $bad$split"
  echo "   $check" >&2
  echo "$label	$check" >>"$work/checks.tsv"
  if [ "$holds" != yes ] || [ "$succeeded" -lt "$billed_ok" ] || [ "$succeeded" -gt $((billed_ok + billed_slack)) ] \
     || [ "$visits" -lt "$visits_ok" ] || [ "$visits" -gt $((visits_ok + visits_slack)) ] || [ "$bad" -ne 0 ]; then
    failures=$((failures + 1)); echo "   CHECK FAILED for $label" >&2
  fi
  done
  if [ -n "$pg_dir" ]; then db/pg-throwaway.sh stop "$pg_dir" >/dev/null 2>&1; pg_dir=""; fi
done

disk_after=$(disk_probe)
python3 - "$results" "$work/checks.tsv" "$duration" "$rounds" "$disk_before" "$disk_after" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
# Ratios are to the bare endpoint measured the same way (straight to Portal, or through nginx to the same instances).
# Bare is measured before and after the other routes; only the higher of the two is shown (in the first one's place)
# and divided by.
measured = rows
bare = {}
for r in rows:
    if r[0].startswith("bare"):
        key = (r[1], r[5], r[3])
        if key not in bare or float(r[4].split()[0]) > float(bare[key][4].split()[0]): bare[key] = r
rows = [r for r in rows if not r[0].startswith("bare") or bare[(r[1], r[5], r[3])] is r]
bare = {k: float(r[4].split()[0]) for k, r in bare.items()}
several = any(r[5] != "direct" for r in rows)
print(f"\n{sys.argv[4]} round(s) of {sys.argv[3]} s per scenario after a warm-up; the median round; bare is the higher of a run before and one after the other routes; wrk -t2 on the same 2 cores"
      + ("; instances behind nginx (TLS) on the same cores" if several else "") + "\n")
print("| route | provider |" + (" instances |" if several else "") + " accounts | connections | req/s | p50 | p99 | ratio to bare | disk written per request | CPU per request |")
print("|---|---|" + ("---|" if several else "") + "---|---|---|---|---|---|---|---|")
# Side by side: each scenario's row for one instance, then for several.
order = {(r[0], r[1], r[2], r[3]): i for i, r in reversed(list(enumerate(measured)))}
for name, provider, use, c, figures, mode in sorted(rows, key=lambda r: (order[(r[0], r[1], r[2], r[3])], r[5] != "direct", r[5])):
    rps, p50, p99 = figures.split()[:3]
    written = int(figures.split()[5])
    written = "–" if written < 0 else f"{written / 1000:.1f} KB"
    app_us, db_us = (int(x) for x in figures.split()[6:8])
    cpu = "–" if app_us < 0 else f"{app_us} µs" if provider == "sqlite" else f"{app_us} + {db_us} µs"
    ratio = "1.00" if name.startswith("bare") else f"{float(rps) / bare[(provider, mode, c)]:.2f}"
    accounts = "–" if name.startswith("bare") else ("1" if use == "1" else f"{int(use):,}")
    instances = (" 1 (direct) |" if mode == "direct" else f" {mode} |") if several else ""
    print(f"| {name} | {provider} |{instances} {accounts} | {c} | {float(rps):,.0f} | {float(p50):.1f} ms | {float(p99):.1f} ms | {ratio} | {written} | {cpu} |")
print()
for line in open(sys.argv[2]):
    provider, check = line.rstrip("\n").split("\t", 1)
    print(f"- {provider}: {check}")
# Billed calls wait for the disk and bare ones do not: how fast it flushed that day is part of reading the ratios.
print(f"- disk (4 KiB write + fdatasync beside the SQLite database, idle machine): {sys.argv[5]} before the runs, {sys.argv[6]} after;"
      " disk written per request: the sectors the database's block device wrote during the round, over its expected responses;"
      " CPU per request: the CPU time of the Portal instances (plus, for PostgreSQL, of its server's processes) during the round,"
      " over its expected responses")
PY
[ "$failures" -eq 0 ]
