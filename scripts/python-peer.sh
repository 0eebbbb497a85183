#!/usr/bin/env bash
# Installs the interop tests' independent client, PyPI's confluent-kafka with its Avro
# serializer, into the stack's download cache, and runs Python programs with it.
#
#   scripts/python-peer.sh install          install unless cached; print the package folder
#   scripts/python-peer.sh run FILE [ARGS]  install unless cached, then run python3 FILE ARGS
#
# Progress goes to stderr, so `run` leaves the program's stdout untouched.
set -euo pipefail

# The pin of the peer. The avro extra brings fastavro and the schema registry client.
readonly CONFLUENT_KAFKA_VERSION=2.16.1

if [[ -n "${CADDY_STACK_CACHE:-}" ]]; then
  CACHE_DIR="$CADDY_STACK_CACHE"
else
  CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/caddy-events/stack"
fi
readonly CACHE_DIR
readonly PEER_DIR="$CACHE_DIR/python-peer-confluent-kafka-$CONFLUENT_KAFKA_VERSION"

log() { printf 'python-peer: %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

usage() {
  sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

# Installs the pinned confluent-kafka[avro] with `pip install --target` unless it is cached.
# The packages go into a private folder that is renamed into place when pip succeeds, so an
# interrupted or concurrent run never leaves a half-filled folder behind.
ensure_installed() {
  if [[ -f "$PEER_DIR/.complete" ]]; then
    return
  fi
  command -v python3 >/dev/null || die "python3 not found: the interop tests need Python 3.9 or later"
  python3 -m pip --version >/dev/null 2>&1 ||
    die "pip for python3 not found: install it (apt-get install python3-pip)"
  mkdir -p "$CACHE_DIR"
  log "installing confluent-kafka[avro]==$CONFLUENT_KAFKA_VERSION from PyPI into $PEER_DIR (first run only)..."
  local tmp="$PEER_DIR.tmp.$$"
  rm -rf "$tmp"
  # Binary wheels only: confluent-kafka's wheels bundle librdkafka, while its source
  # distribution would need librdkafka's headers and a C compiler.
  if ! PIP_ROOT_USER_ACTION=ignore python3 -m pip install --disable-pip-version-check --no-input -q \
    --only-binary=:all: --target "$tmp" "confluent-kafka[avro]==$CONFLUENT_KAFKA_VERSION" \
    >"$tmp.log" 2>&1; then
    tail -n 20 "$tmp.log" >&2
    rm -rf "$tmp"
    die "pip failed to install confluent-kafka[avro]==$CONFLUENT_KAFKA_VERSION; full output in $tmp.log"
  fi
  rm -f "$tmp.log"
  if ! PYTHONPATH="$tmp" python3 -c 'import confluent_kafka, fastavro' 2>"$tmp.log"; then
    cat "$tmp.log" >&2
    rm -rf "$tmp"
    die "confluent-kafka was installed into $tmp but does not import"
  fi
  rm -f "$tmp.log"
  touch "$tmp/.complete"
  if ! mv -T "$tmp" "$PEER_DIR" 2>/dev/null; then
    # Another run finished first, so its copy is used.
    rm -rf "$tmp"
  fi
  log "installed in $PEER_DIR"
}

main() {
  local command="${1:-help}"
  case "$command" in
    install)
      ensure_installed
      printf '%s\n' "$PEER_DIR"
      ;;
    run)
      [[ $# -ge 2 ]] || die "run needs a Python file: scripts/python-peer.sh run FILE [ARGS]"
      ensure_installed
      shift
      PYTHONPATH="$PEER_DIR${PYTHONPATH:+:$PYTHONPATH}" exec python3 "$@"
      ;;
    help | -h | --help) usage ;;
    *)
      usage >&2
      die "unknown command '$command'"
      ;;
  esac
}

main "$@"
