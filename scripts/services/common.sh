# Helpers shared by the service files; sourced by scripts/services.sh.

die() {
  echo "services.sh: $*" >&2
  exit 1
}

say() {
  echo "services.sh: $*" >&2
}

# The loud box printed when services are skipped. $1: the skipped services; the rest: one reason a line.
warn_missing() {
  local skipped="$1" line
  shift
  echo "################################################################################"
  echo "# tickflow services: PREREQUISITES MISSING, NOT started: $skipped"
  for line in "$@"; do echo "#   $line"; done
  if [[ "${CI:-}" == "true" ]]; then
    echo "# CI=true: this is an error, the run fails."
  else
    echo "# The tests that need $skipped are SKIPPED (each says so). Fix what is listed"
    echo "# above to run them; under CI=true this is an error."
  fi
  echo "################################################################################"
}

# Whoever may run PostgreSQL: initdb refuses root, so root hands it to the postgres (or nobody) user.
pg_user() {
  if [[ "$(id -u)" != 0 ]]; then
    id -un
  elif id postgres >/dev/null 2>&1; then
    echo postgres
  else
    echo nobody
  fi
}

prepare_state_dir() {
  mkdir -p "$1"
  # A non-root PostgreSQL must be able to reach its data dir below this one.
  if [[ "$(id -u)" == 0 ]]; then chmod a+x "$1"; fi
}

# True while process $1 lives. A zombie counts as gone: in a container nobody may ever reap it.
alive() {
  local state
  [[ -n "$1" ]] || return 1
  if [[ -r "/proc/$1/stat" ]]; then
    state="$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" || return 1
    [[ -n "$state" && "$state" != Z ]]
  else
    kill -0 "$1" 2>/dev/null
  fi
}

# Waits up to $2 seconds for process $1 to end; false if it still lives.
wait_gone() {
  local pid="$1" deadline=$((SECONDS + $2))
  while alive "$pid"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}

# Ends process $1 gracefully (SIGTERM, up to $2 seconds), then with SIGKILL.
end_process() {
  local pid="$1"
  alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  wait_gone "$pid" "$2" && return 0
  kill -KILL "$pid" 2>/dev/null || true
  wait_gone "$pid" 10 || die "process $pid does not end"
}

pid_in() {
  if [[ -f "$1" ]]; then cat "$1"; fi
}

# Reserves $2 free loopback ports for state dir $1 and prints them.
allocate_ports() {
  node "$ROOT/scripts/free-ports.mjs" "$1" "$2"
}

release_ports() {
  local file
  for file in "${TMPDIR:-/tmp}"/tickflow-ports/*; do
    [[ -f "$file" && "$(cat "$file" 2>/dev/null)" == "$1" ]] && rm -f "$file"
  done
  return 0
}

# Waits up to $3 seconds until 127.0.0.1:$1 accepts a TCP connection; $2 names the service.
wait_for_port() {
  local port="$1" deadline=$((SECONDS + $3))
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    ((SECONDS < deadline)) || die "$2 does not listen on 127.0.0.1:$port after $3 s"
    sleep 0.1
  done
}
