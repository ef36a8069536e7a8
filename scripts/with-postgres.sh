#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL: a new cluster in a temp dir, listening only on a
# Unix socket in another temp dir (no TCP port: the machine is shared), one database, and
# PODPATH_TEST_DATABASE_URL pointing at it. Postgres is stopped and both dirs are deleted when
# the command ends, whatever its outcome. Exits with the command's status.
#
#   bash scripts/with-postgres.sh npx vitest run lib/store
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 COMMAND [ARG...]" >&2
  exit 2
fi

bindir=""
for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
  if [ -x "$d/initdb" ] && [ -x "$d/postgres" ]; then
    bindir="$d"
    break
  fi
done
if [ -z "$bindir" ]; then
  echo "with-postgres: no PostgreSQL server in /usr/lib/postgresql/*/bin (apt-get install postgresql, or bash scripts/ensure-system-packages.sh)" >&2
  exit 1
fi

# Postgres refuses to run as root: as root, the server runs as Debian's postgres user.
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  if ! id postgres >/dev/null 2>&1; then
    echo "with-postgres: running as root and there is no postgres user to run the server as" >&2
    exit 1
  fi
  as_pg=(runuser -u postgres --)
fi

datadir=""
sockdir=""
started=0
cleanup() {
  local status=$?
  if [ "$started" -eq 1 ]; then
    "${as_pg[@]}" "$bindir/pg_ctl" -D "$datadir" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  [ -n "$datadir" ] && rm -rf "$datadir"
  [ -n "$sockdir" ] && rm -rf "$sockdir"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# As root, under /tmp: a private TMPDIR may be closed to the postgres user.
base="${TMPDIR:-/tmp}"
[ ${#as_pg[@]} -gt 0 ] && base=/tmp
datadir=$(mktemp -d "$base/podpath-pgdata.XXXXXX")
sockdir=$(mktemp -d "$base/podpath-pgsock.XXXXXX")
if [ ${#as_pg[@]} -gt 0 ]; then
  chown postgres: "$datadir" "$sockdir"
fi
chmod 700 "$datadir" "$sockdir"

user=$(if [ ${#as_pg[@]} -gt 0 ]; then echo postgres; else id -un; fi)
db=podpath_test

# trust on the socket only: it lives in a 0700 dir nobody else can reach.
if ! out=$("${as_pg[@]}" "$bindir/initdb" -D "$datadir" -U "$user" --auth=trust -E UTF8 \
  --locale=C.UTF-8 2>&1); then
  echo "$out" >&2
  exit 1
fi

started=1
"${as_pg[@]}" "$bindir/pg_ctl" -D "$datadir" -w -t 30 -l "$datadir/server.log" \
  -o "-c listen_addresses='' -c unix_socket_directories='$sockdir' -c fsync=off" start \
  >/dev/null || {
  cat "$datadir/server.log" >&2
  exit 1
}
"${as_pg[@]}" "$bindir/createdb" -h "$sockdir" -U "$user" "$db"

export PODPATH_TEST_DATABASE_URL="postgresql://${user}@/${db}?host=${sockdir}"
export PODPATH_REQUIRE_POSTGRES=1
echo "with-postgres: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on ${sockdir} (no TCP)"

set +e
"$@"
status=$?
set -e
exit "$status"
