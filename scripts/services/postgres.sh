# PostgreSQL from $PG_BIN: trust auth on 127.0.0.1, its socket in the state dir, fsync off (data that only
# has to survive a clean stop), and a database named tickflow.

postgres_missing() {
  local tool missing=()
  for tool in initdb pg_ctl createdb psql; do
    [[ -x "$PG_BIN/$tool" ]] || missing+=("$tool")
  done
  if [[ ${#missing[@]} -gt 0 ]]; then
    echo "${missing[*]} not found in $PG_BIN (Debian: apt-get install postgresql-15; or set TICKFLOW_PG_BIN)"
  elif [[ "$(id -u)" == 0 ]] && ! command -v runuser >/dev/null; then
    echo "running as root, and runuser (needed to run PostgreSQL as a non-root user) is not on PATH"
  fi
}

postgres_prepare() {
  return 0
}

# Runs a PostgreSQL tool as pg_user.
as_pg_user() {
  if [[ "$(id -u)" == 0 ]]; then
    runuser -u "$(pg_user)" -- "$@"
  else
    "$@"
  fi
}

postgres_setup() {
  local dir="$1/postgres" port
  mkdir -p "$dir"
  allocate_ports "$1" 1 >"$dir/port"
  port="$(cat "$dir/port")"
  if [[ "$(id -u)" == 0 ]]; then chown "$(pg_user)" "$dir"; fi
  as_pg_user "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C --no-sync \
    >"$dir/initdb.log" 2>&1 || die "initdb failed (see $dir/initdb.log)"
  cat >>"$dir/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
EOF
  touch "$dir/needs-database"
}

postgres_running() {
  [[ -f "$1/postgres/data/postmaster.pid" ]] && alive "$(head -1 "$1/postgres/data/postmaster.pid")"
}

postgres_start() {
  local dir="$1/postgres" port
  port="$(cat "$dir/port")"
  as_pg_user "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 start >/dev/null ||
    die "PostgreSQL does not start (see $dir/postgres.log)"
  if [[ -f "$dir/needs-database" ]]; then
    as_pg_user "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres tickflow ||
      die "createdb tickflow failed"
    rm -f "$dir/needs-database"
  fi
  say "postgres up at 127.0.0.1:$port"
}

postgres_stop() {
  postgres_running "$1" || return 0
  as_pg_user "$PG_BIN/pg_ctl" -D "$1/postgres/data" -m fast -w -t 60 stop >/dev/null
}

postgres_kill() {
  postgres_running "$1" || return 0
  as_pg_user "$PG_BIN/pg_ctl" -D "$1/postgres/data" -m immediate -w -t 60 stop >/dev/null
}

postgres_env() {
  echo "DATABASE_URL=postgres://postgres@127.0.0.1:$(cat "$1/postgres/port")/tickflow"
}
