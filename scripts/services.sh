#!/usr/bin/env bash
# Throwaway Kafka, PostgreSQL and Redis on free loopback ports, for tests and for trying tickflow out.
#
#   scripts/services.sh up [SERVICE...]      start them (default: kafka postgres redis)
#   scripts/services.sh env                  print `export KAFKA_BROKERS=… DATABASE_URL=… REDIS_URL=…`
#   scripts/services.sh stop SERVICE         stop one, keeping its port and data
#   scripts/services.sh start SERVICE        bring a stopped one back on the same port
#   scripts/services.sh status               what is set up, on which port, and whether it runs
#   scripts/services.sh down                 stop everything and remove the state dir (safe to repeat)
#   scripts/services.sh check [SERVICE...]   name the missing prerequisites, exit 1 if any (fetches the
#                                            Kafka jars when they are not cached yet)
#   scripts/services.sh psql ARG...          the psql of the PostgreSQL that `up` runs
#   scripts/services.sh run [SERVICE...] -- COMMAND...
#                                            up in a fresh dir, run COMMAND with the env, always down;
#                                            exits with COMMAND's status
#
# State dir: $TICKFLOW_SERVICES_DIR, else a temporary dir whose path `up` records in .cache/services/dir.
# A missing prerequisite (java, mvn, redis-server, initdb, a failed Kafka fetch) skips that service with a
# loud warning and makes `up` exit 3; under CI=true it is an error (exit 1), never a quiet skip.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LIB="$ROOT/scripts/services"
ALL_SERVICES=(kafka postgres redis)
KAFKA_VERSION=4.1.0
KAFKA_JARS="$ROOT/.cache/kafka-$KAFKA_VERSION"
PG_BIN="${TICKFLOW_PG_BIN:-/usr/lib/postgresql/15/bin}"
RECORD="$ROOT/.cache/services/dir"

# shellcheck source=services/common.sh
source "$LIB/common.sh"
# shellcheck source=services/kafka.sh
source "$LIB/kafka.sh"
# shellcheck source=services/postgres.sh
source "$LIB/postgres.sh"
# shellcheck source=services/redis.sh
source "$LIB/redis.sh"

# The state dir for commands that act on services already set up; empty when there is none.
existing_state_dir() {
  if [[ -n "${TICKFLOW_SERVICES_DIR:-}" ]]; then
    echo "$TICKFLOW_SERVICES_DIR"
  elif [[ -f "$RECORD" ]]; then
    cat "$RECORD"
  fi
}

new_state_dir() {
  if [[ -n "${TICKFLOW_SERVICES_DIR:-}" ]]; then
    mkdir -p "$TICKFLOW_SERVICES_DIR"
    echo "$TICKFLOW_SERVICES_DIR"
    return
  fi
  local dir
  dir="$(existing_state_dir)"
  if [[ -z "$dir" || ! -d "$dir" ]]; then
    dir="$(mktemp -d "${TMPDIR:-/tmp}/tickflow-services.XXXXXX")"
    mkdir -p "$(dirname "$RECORD")"
    echo "$dir" >"$RECORD"
  fi
  echo "$dir"
}

services_or_all() {
  if [[ $# -eq 0 ]]; then set -- "${ALL_SERVICES[@]}"; fi
  local s
  for s in "$@"; do
    case "$s" in
      kafka | postgres | redis) echo "$s" ;;
      *) die "unknown service '$s' (expected: ${ALL_SERVICES[*]})" ;;
    esac
  done
}

cmd_up() {
  local services state missing=() reasons=() s why
  services="$(services_or_all "$@")"
  state="$(new_state_dir)"
  prepare_state_dir "$state"
  for s in $services; do
    if [[ -f "$state/$s/port" ]]; then
      "${s}_running" "$state" || "${s}_start" "$state"
      continue
    fi
    why="$("${s}_missing")"
    # prepare (the Kafka fetch) prints why it failed, and nothing when it worked.
    [[ -n "$why" ]] || why="$("${s}_prepare")" || true
    if [[ -z "$why" ]]; then
      "${s}_setup" "$state"
      "${s}_start" "$state"
    else
      missing+=("$s")
      reasons+=("$s: $why")
    fi
  done
  if [[ ${#missing[@]} -gt 0 ]]; then
    warn_missing "${missing[*]}" "${reasons[@]}" | tee "$state/warnings" >&2
    [[ "${CI:-}" == "true" ]] && exit 1
    exit 3
  fi
}

cmd_env() {
  local state s
  state="$(existing_state_dir)"
  [[ -n "$state" && -d "$state" ]] || return 0
  echo "export TICKFLOW_SERVICES_DIR=$state"
  for s in "${ALL_SERVICES[@]}"; do
    if [[ -f "$state/$s/port" ]]; then echo "export $("${s}_env" "$state")"; fi
  done
}

cmd_status() {
  local state s
  state="$(existing_state_dir)"
  [[ -n "$state" && -d "$state" ]] || {
    echo "no services set up"
    return 0
  }
  echo "state dir: $state"
  for s in "${ALL_SERVICES[@]}"; do
    [[ -f "$state/$s/port" ]] || continue
    if "${s}_running" "$state"; then
      echo "$s: running on 127.0.0.1:$(cat "$state/$s/port")"
    else
      echo "$s: stopped (port $(cat "$state/$s/port"))"
    fi
  done
}

cmd_one() {
  local action="$1" s state
  [[ $# -eq 2 ]] || die "usage: services.sh $action SERVICE"
  s="$(services_or_all "$2")"
  state="$(existing_state_dir)"
  [[ -n "$state" && -f "$state/$s/port" ]] || die "$s is not set up in ${state:-any state dir}; run 'up $s' first"
  if [[ "$action" == stop ]]; then
    "${s}_stop" "$state"
  else
    "${s}_running" "$state" || "${s}_start" "$state"
  fi
}

cmd_down() {
  local state nested s
  state="$(existing_state_dir)"
  if [[ -n "$state" && -d "$state" ]]; then
    # Private sets that tests started inside this one go too, even when a test died before closing them.
    for nested in "$state"/private/*/; do
      [[ -d "$nested" ]] && TICKFLOW_SERVICES_DIR="${nested%/}" cmd_down
    done
    for s in "${ALL_SERVICES[@]}"; do
      if [[ -f "$state/$s/port" ]]; then "${s}_kill" "$state"; fi
    done
    release_ports "$state"
    rm -rf "$state"
  fi
  # Also when TICKFLOW_SERVICES_DIR names the recorded dir, as it does after `eval "$(services.sh env)"`.
  if [[ -f "$RECORD" && "$(cat "$RECORD")" == "$state" ]]; then rm -f "$RECORD"; fi
}

cmd_check() {
  local services s why found=0
  services="$(services_or_all "$@")"
  for s in $services; do
    why="$("${s}_missing")"
    [[ -n "$why" ]] || why="$("${s}_prepare")" || true
    if [[ -n "$why" ]]; then
      echo "$s: $why"
      found=1
    fi
  done
  return "$found"
}

cmd_run() {
  local services=()
  while [[ $# -gt 0 && "$1" != "--" ]]; do
    services+=("$1")
    shift
  done
  [[ $# -ge 2 ]] || die "usage: services.sh run [SERVICE...] -- COMMAND..."
  shift
  TICKFLOW_SERVICES_DIR="$(mktemp -d "${TMPDIR:-/tmp}/tickflow-services.XXXXXX")"
  export TICKFLOW_SERVICES_DIR
  trap 'cmd_down' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  local up_status=0 status=0
  (cmd_up "${services[@]}") || up_status=$?
  [[ $up_status -eq 0 || $up_status -eq 3 ]] || exit "$up_status"
  eval "$(cmd_env)"
  "$@" || status=$?
  # Repeated after the command so it is not lost above a long test log.
  if [[ -f "$TICKFLOW_SERVICES_DIR/warnings" ]]; then cat "$TICKFLOW_SERVICES_DIR/warnings" >&2; fi
  exit "$status"
}

main() {
  local command="${1:-}"
  [[ $# -gt 0 ]] && shift
  case "$command" in
    up) cmd_up "$@" ;;
    env) cmd_env ;;
    stop | start) cmd_one "$command" "$@" ;;
    status) cmd_status ;;
    down) cmd_down ;;
    check) cmd_check "$@" ;;
    run) cmd_run "$@" ;;
    psql) exec "$PG_BIN/psql" "$@" ;;
    *) die "usage: services.sh up|env|stop|start|status|down|check|run|psql (see the top of this script)" ;;
  esac
}

main "$@"
