#!/usr/bin/env bash
# jaeger.sh start|stop|status — runs the Jaeger that scripts/setup.sh built, on loopback ports of
# its own (OTLP gRPC 24317, OTLP HTTP 24318, UI + HTTP API 26686, health 23133; override with the
# GOROSCOPE_JAEGER_*_PORT variables of scripts/jaeger/jaeger-config.yaml), memory storage.
# start waits until it is healthy; start and stop are no-ops when already done.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly JAEGER_VERSION=v1.76.0
readonly CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/goroscope"
readonly JAEGER_BIN="$CACHE/jaeger-$JAEGER_VERSION"
readonly RUN_DIR="$CACHE/run"
readonly PID_FILE="$RUN_DIR/jaeger.pid"
readonly LOG_FILE="$RUN_DIR/jaeger.log"
export GOROSCOPE_JAEGER_OTLP_GRPC_PORT="${GOROSCOPE_JAEGER_OTLP_GRPC_PORT:-24317}"
export GOROSCOPE_JAEGER_OTLP_HTTP_PORT="${GOROSCOPE_JAEGER_OTLP_HTTP_PORT:-24318}"
export GOROSCOPE_JAEGER_QUERY_HTTP_PORT="${GOROSCOPE_JAEGER_QUERY_HTTP_PORT:-26686}"
export GOROSCOPE_JAEGER_QUERY_GRPC_PORT="${GOROSCOPE_JAEGER_QUERY_GRPC_PORT:-26685}"
export GOROSCOPE_JAEGER_HEALTH_PORT="${GOROSCOPE_JAEGER_HEALTH_PORT:-23133}"
readonly HEALTH_URL="http://127.0.0.1:$GOROSCOPE_JAEGER_HEALTH_PORT/status"

running_pid() { # prints the pid of the Jaeger we started, if it is still that Jaeger
  [[ -f "$PID_FILE" ]] || return 1
  local pid; pid="$(cat "$PID_FILE")"
  [[ "$pid" =~ ^[0-9]+$ ]] && [[ "$(readlink "/proc/$pid/exe" 2>/dev/null)" == "$(readlink -f "$JAEGER_BIN")" ]] || return 1
  echo "$pid"
}

healthy() { curl -fsS --max-time 1 "$HEALTH_URL" 2>/dev/null | grep -q '"healthy":true'; }

endpoints() {
  cat <<EOT
OTLP gRPC  http://127.0.0.1:$GOROSCOPE_JAEGER_OTLP_GRPC_PORT   (OTEL_EXPORTER_OTLP_PROTOCOL=grpc)
OTLP HTTP  http://127.0.0.1:$GOROSCOPE_JAEGER_OTLP_HTTP_PORT   (OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf)
UI, API    http://127.0.0.1:$GOROSCOPE_JAEGER_QUERY_HTTP_PORT
EOT
}

start() {
  if running_pid >/dev/null; then
    echo "jaeger: already running (pid $(running_pid))"; endpoints; return
  fi
  [[ -x "$JAEGER_BIN" ]] || { echo "jaeger: $JAEGER_BIN is missing; run scripts/setup.sh" >&2; exit 1; }
  mkdir -p "$RUN_DIR"
  setsid "$JAEGER_BIN" --config "file:$here/jaeger/jaeger-config.yaml" >"$LOG_FILE" 2>&1 </dev/null &
  echo $! >"$PID_FILE"
  local i
  for ((i = 0; i < 300; i++)); do # up to 30 s
    if healthy; then echo "jaeger: started (pid $(cat "$PID_FILE"), log $LOG_FILE)"; endpoints; return; fi
    if ! running_pid >/dev/null; then break; fi
    sleep 0.1
  done
  echo "jaeger: did not become healthy at $HEALTH_URL; last lines of $LOG_FILE:" >&2
  tail -n 20 "$LOG_FILE" >&2
  stop >/dev/null
  exit 1
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then rm -f "$PID_FILE"; echo "jaeger: not running"; return; fi
  kill "$pid"
  local i
  for ((i = 0; i < 100; i++)); do [[ -d "/proc/$pid" ]] || break; sleep 0.1; done
  [[ -d "/proc/$pid" ]] && kill -9 "$pid"
  rm -f "$PID_FILE"
  echo "jaeger: stopped"
}

status() {
  local pid
  if pid="$(running_pid)" && healthy; then echo "jaeger: running and healthy (pid $pid)"; endpoints
  elif pid="$(running_pid)"; then echo "jaeger: running (pid $pid) but not healthy"; exit 1
  else echo "jaeger: not running"; exit 3
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
