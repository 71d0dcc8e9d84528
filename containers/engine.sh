#!/usr/bin/env bash
# The Docker engine the container runs need. `start`: when no engine answers on the local socket,
# installs Debian's docker.io if dockerd is missing (as root, saying so) and starts dockerd; the
# one it started is remembered. `stop`: stops only a dockerd that `start` started, never one that
# was already running. Runs use host networking only, so the daemon leaves the host's firewall and
# bridges alone.
# Usage: containers/engine.sh start|stop
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
state=${XDG_CACHE_HOME:-$HOME/.cache}/repro/dockerd
pidfile=$state/started.pid
socket=/var/run/docker.sock

# Asks the daemon itself (its /_ping needs no API version), so a client older or newer than the
# daemon, or no client at all, does not read as "no engine".
answers() {
  if command -v curl >/dev/null; then curl -fsS --max-time 3 --unix-socket "$socket" http://docker/_ping >/dev/null 2>&1
  else docker version --format '{{.Server.Version}}' >/dev/null 2>&1; fi
}
version() { curl -fsS --max-time 3 --unix-socket "$socket" http://docker/version 2>/dev/null | sed -E 's/.*"Version":"([^"]*)".*/\1/' || echo "?"; }
ours() { [[ -f "$pidfile" ]] && [[ "$(cat "/proc/$(cat "$pidfile")/comm" 2>/dev/null)" == dockerd ]]; }

mkdir -p "$state"
exec 9>"$state/lock"
flock 9
case "${1:-}" in
  start)
    if answers; then
      echo "containers: a Docker engine answers at $socket; using it" >&2
      exit 0
    fi
    [[ -f "$pidfile" ]] && ! ours && rm -f "$pidfile"  # left by a run that died
    [[ $(id -u) -eq 0 ]] || { echo "containers: no Docker engine answers at $socket, and starting dockerd needs root (sudo $0 start)" >&2; exit 1; }
    command -v dockerd >/dev/null || bash "$here/../src/Repro.Torch/native/ensure-packages.sh" "the container runs' Docker engine" docker.io curl
    echo "containers: starting dockerd (log: $state/dockerd.log)..." >&2
    setsid dockerd --iptables=false --bridge=none >"$state/dockerd.log" 2>&1 </dev/null 9>&- &  # without the lock
    pid=$!
    echo $pid >"$pidfile"
    for _ in $(seq 60); do
      answers && { echo "containers: dockerd $(version) answers (pid $pid)" >&2; exit 0; }
      kill -0 $pid 2>/dev/null || break
      sleep 0.5
    done
    kill $pid 2>/dev/null || true
    rm -f "$pidfile"
    tail -n 20 "$state/dockerd.log" >&2
    echo "containers: dockerd did not answer within 30 s; stopped it (log above: $state/dockerd.log)" >&2
    exit 1 ;;
  stop)
    ours || { rm -f "$pidfile"; exit 0; }
    pid=$(cat "$pidfile"); rm -f "$pidfile"
    kill "$pid" 2>/dev/null || exit 0
    for _ in $(seq 40); do kill -0 "$pid" 2>/dev/null || { echo "containers: stopped the dockerd it started (pid $pid)" >&2; exit 0; }; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
    echo "containers: dockerd (pid $pid) did not stop within 20 s; killed it" >&2 ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
