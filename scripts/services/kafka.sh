# Kafka: a single KRaft node (broker and controller in one JVM) from jars that Maven fetches once into
# $KAFKA_JARS, with scripts/kafka/pom.xml as the list of what to fetch.

kafka_missing() {
  command -v java >/dev/null || {
    echo "java not found on PATH (Kafka needs a JDK 17+; Debian: apt-get install openjdk-17-jre-headless)"
    return 0
  }
  [[ -f "$KAFKA_JARS/.complete" ]] || command -v mvn >/dev/null ||
    echo "mvn not found on PATH, and the Kafka $KAFKA_VERSION jars are not cached in $KAFKA_JARS (Debian: apt-get install maven)"
}

# Fetches the jars when they are not cached yet. Under a lock, into a temporary dir renamed at the end, so
# parallel starts fetch once and a failed fetch leaves no half cache behind.
kafka_prepare() {
  [[ -f "$KAFKA_JARS/.complete" ]] && return 0
  mkdir -p "$(dirname "$KAFKA_JARS")"
  local fetch="$KAFKA_JARS.fetch.$$" log="$KAFKA_JARS.fetch.log"
  (
    flock 9
    [[ -f "$KAFKA_JARS/.complete" ]] && exit 0
    say "fetching the Kafka $KAFKA_VERSION jars with Maven into $KAFKA_JARS (once)"
    if ! mvn -B -q -f "$ROOT/scripts/kafka/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
      -DoutputDirectory="$fetch" >"$log" 2>&1; then
      rm -rf "$fetch"
      exit 1
    fi
    touch "$fetch/.complete"
    rm -rf "$KAFKA_JARS"
    mv "$fetch" "$KAFKA_JARS"
  ) 9>"$KAFKA_JARS.lock" || {
    echo "the Maven fetch of the Kafka $KAFKA_VERSION jars failed (see $log)"
    return 1
  }
}

# Warnings only, but for the server's own start and stop lines, which kafka_start waits for. An array, not
# a function, so that `java ... &` leaves the JVM's own pid in $!.
KAFKA_JAVA=(java -Xms128m -Xmx512m -XX:+UseG1GC -Djava.awt.headless=true
  -Dorg.slf4j.simpleLogger.showDateTime=true -Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dorg.slf4j.simpleLogger.log.kafka.server.KafkaRaftServer=info
  -cp "$KAFKA_JARS/*")

# A Kafka cluster id: 16 random bytes in URL-safe base64 without padding, never starting with '-'; what
# `StorageTool random-uuid` prints, without a JVM start of its own.
kafka_cluster_id() {
  node -e "let s;do{s=require('crypto').randomBytes(16).toString('base64url')}while(s[0]==='-');console.log(s)"
}

kafka_setup() {
  local dir="$1/kafka" port cport ports
  mkdir -p "$dir"
  ports="$(allocate_ports "$1" 2)"
  port="$(sed -n 1p <<<"$ports")"
  cport="$(sed -n 2p <<<"$ports")"
  echo "$port" >"$dir/port"
  cat >"$dir/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$dir/data
num.partitions=1
auto.create.topics.enable=false
offsets.topic.replication.factor=1
# One partition for the offsets topic: the default 50 take seconds to create on a small machine.
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
# Tests expel members quickly; the default minimum session timeout is 6 s.
group.min.session.timeout.ms=1000
EOF
  "${KAFKA_JAVA[@]}" kafka.tools.StorageTool format --standalone -t "$(kafka_cluster_id)" -c "$dir/server.properties" \
    >"$dir/format.log" 2>&1 || die "formatting the Kafka storage failed (see $dir/format.log)"
}

kafka_running() {
  alive "$(pid_in "$1/kafka/pid")"
}

# Starts the broker and waits for its "Kafka Server started" line: the port accepts connections earlier,
# before the broker answers requests.
kafka_start() {
  local dir="$1/kafka" port pid from deadline=$((SECONDS + 90))
  port="$(cat "$dir/port")"
  touch "$dir/server.log"
  from=$(($(wc -c <"$dir/server.log") + 1))
  "${KAFKA_JAVA[@]}" kafka.Kafka "$dir/server.properties" </dev/null >>"$dir/server.log" 2>&1 &
  pid=$!
  echo "$pid" >"$dir/pid"
  until tail -c "+$from" "$dir/server.log" | grep -q 'Kafka Server started'; do
    alive "$pid" || die "Kafka exited while starting (see $dir/server.log)"
    ((SECONDS < deadline)) || die "Kafka has not started after 90 s (see $dir/server.log)"
    sleep 0.2
  done
  say "kafka up at 127.0.0.1:$port"
}

kafka_stop() {
  end_process "$(pid_in "$1/kafka/pid")" 60
  rm -f "$1/kafka/pid"
}

# No graceful shutdown when the data goes anyway.
kafka_kill() {
  end_process "$(pid_in "$1/kafka/pid")" 0
  rm -f "$1/kafka/pid"
}

kafka_env() {
  echo "KAFKA_BROKERS=127.0.0.1:$(cat "$1/kafka/port")"
}
