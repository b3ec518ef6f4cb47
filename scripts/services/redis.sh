# Redis: no persistence, so a stop loses its keys the way a real cache restart does.

redis_missing() {
  command -v redis-server >/dev/null || echo "redis-server not found on PATH (Debian: apt-get install redis-server)"
}

redis_prepare() {
  return 0
}

redis_setup() {
  mkdir -p "$1/redis"
  allocate_ports "$1" 1 >"$1/redis/port"
}

redis_running() {
  alive "$(pid_in "$1/redis/redis.pid")"
}

redis_start() {
  local dir="$1/redis" port
  port="$(cat "$dir/port")"
  rm -f "$dir/redis.pid"
  redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no --daemonize yes \
    --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --dir "$dir" </dev/null >/dev/null
  wait_for_port "$port" redis 20
  local reply=""
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf 'PING\r\n' >&3
  read -r -t 5 reply <&3 || true
  exec 3>&-
  [[ "$reply" == +PONG* ]] || die "redis on port $port answers '$reply' to PING (see $dir/redis.log)"
  say "redis up at 127.0.0.1:$port"
}

redis_stop() {
  end_process "$(pid_in "$1/redis/redis.pid")" 20
  rm -f "$1/redis/redis.pid"
}

redis_kill() {
  redis_stop "$1"
}

redis_env() {
  echo "REDIS_URL=redis://127.0.0.1:$(cat "$1/redis/port")"
}
