#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the test suite's PostgreSQL leg (TOOLCHAIN.md).
#
#   eval "$(db/pg-throwaway.sh start)"   starts a cluster on 127.0.0.1 on a free port under a fresh temp dir and
#                                        prints shell lines that export PG_THROWAWAY_DIR and PORTAL_TEST_PG
#                                        (Host=127.0.0.1;Port=…;Username=postgres;Database=postgres)
#   db/pg-throwaway.sh stop [DIR]        stops the cluster in DIR (default $PG_THROWAWAY_DIR) and removes DIR
#
# Tests run it with fsync=off (nothing to lose). PG_THROWAWAY_DURABLE=1 keeps PostgreSQL's durable defaults
# (fsync=on, synchronous_commit=on), as the benchmark in bench/ needs, with wal_init_zero=off: a new cluster has no
# old WAL segments to recycle, so under load it creates one every few seconds, and zero-filling each 16 MB segment
# held every COMMIT for 120-180 ms here (a long-running server mostly recycles segments instead). Off, a new segment
# is allocated as it is written; what is fsynced, and when, does not change.
#
# The server binaries refuse to run as root: as root the cluster runs as the system user portal-pg (created when
# missing); as another user it runs as that user. When the binaries are missing, Debian's postgresql package is
# installed with apt. Progress goes to stderr, so stdout is only the export lines. Exit code non-zero on failure.
set -euo pipefail

PG_USER=${PG_THROWAWAY_USER:-portal-pg}
log() { echo "pg-throwaway: $*" >&2; }
die() { log "$*"; exit 1; }

find_bindir() {
  local d
  for d in ${PG_BINDIR:-} /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
    [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
  done
  return 1
}

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi; }

# Runs a server binary as the cluster's owner.
as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u "$PG_USER" -- "$@"; else "$@"; fi; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start() {
  local bindir
  if ! bindir=$(find_bindir); then
    log "PostgreSQL server binaries missing: installing Debian's postgresql package"
    as_root apt-get update -qq >&2 || die "apt-get update failed"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2 || die "could not install postgresql"
    bindir=$(find_bindir) || die "postgresql installed but no initdb/pg_ctl found under /usr/lib/postgresql"
  fi

  if [ "$(id -u)" -eq 0 ] && ! id "$PG_USER" >/dev/null 2>&1; then
    log "creating system user $PG_USER"
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$PG_USER" || die "useradd $PG_USER failed"
  fi

  local dir port
  dir=$(mktemp -d "${TMPDIR:-/tmp}/portal-pg.XXXXXX")
  [ "$(id -u)" -eq 0 ] && chown "$PG_USER:" "$dir"
  chmod 700 "$dir"

  if ! as_owner "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2; rm -rf "$dir"; die "initdb failed"
  fi

  # A port can be taken between choosing it and binding it: try a few.
  local durability="-c fsync=off"
  [ "${PG_THROWAWAY_DURABLE:-0}" = 1 ] && durability="-c fsync=on -c synchronous_commit=on -c wal_init_zero=off"
  local attempt
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    if as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir $durability -c max_connections=300" start >/dev/null 2>&1; then
      echo "$port" >"$dir/port"
      local conn="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
      log "PostgreSQL running on 127.0.0.1:$port (data in $dir)"
      printf "export PG_THROWAWAY_DIR='%s'\n" "$dir"
      printf "export PORTAL_TEST_PG='%s'\n" "$conn"
      return 0
    fi
    log "start on port $port failed (attempt $attempt)"
  done
  cat "$dir/server.log" >&2 2>/dev/null || true
  rm -rf "$dir"
  die "could not start PostgreSQL"
}

stop() {
  local dir=${1:-${PG_THROWAWAY_DIR:-}}
  [ -n "$dir" ] || die "usage: $0 stop DIR (or set PG_THROWAWAY_DIR)"
  [ -d "$dir" ] || { log "$dir does not exist; nothing to stop"; return 0; }
  case "$(basename "$dir")" in portal-pg.*) ;; *) die "refusing to remove $dir (not a pg-throwaway dir)";; esac
  local bindir
  if bindir=$(find_bindir) && [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || log "pg_ctl stop failed"
  fi
  rm -rf "$dir"
  log "stopped and removed $dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  *) echo "usage: $0 start | stop [DIR]" >&2; exit 2 ;;
esac
