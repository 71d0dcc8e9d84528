#!/usr/bin/env bash
# The Docker engine the container runs need. `start`: installs Debian's docker.io when no engine
# is installed (as root, saying so), and starts dockerd when none answers on its socket; the one
# it started is remembered. `stop`: stops only a dockerd that `start` started, never one that
# was already running. Host networking is all the runs use, so the daemon leaves the host's
# firewall and bridges alone.
# Usage: containers/engine.sh start|stop
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
state=${XDG_CACHE_HOME:-$HOME/.cache}/repro/dockerd
pidfile=$state/started.pid

answers() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

case "${1:-}" in
  start)
    if ! command -v dockerd >/dev/null; then
      bash "$here/../src/Repro.Torch/native/ensure-packages.sh" "the container runs' Docker engine" docker.io
    fi
    if answers; then
      echo "containers: a Docker engine answers (server $(docker version --format '{{.Server.Version}}')); using it" >&2
      exit 0
    fi
    [[ $(id -u) -eq 0 ]] || { echo "containers: no Docker engine answers on its socket, and starting dockerd needs root (sudo $0 start)" >&2; exit 1; }
    mkdir -p "$state"
    echo "containers: starting dockerd (log: $state/dockerd.log)..." >&2
    setsid dockerd --iptables=false --bridge=none >"$state/dockerd.log" 2>&1 </dev/null &
    echo $! >"$pidfile"
    for _ in $(seq 60); do
      answers && { echo "containers: dockerd $(docker version --format '{{.Server.Version}}') answers (pid $(cat "$pidfile"))" >&2; exit 0; }
      kill -0 "$(cat "$pidfile")" 2>/dev/null || break
      sleep 0.5
    done
    tail -n 20 "$state/dockerd.log" >&2
    rm -f "$pidfile"
    echo "containers: dockerd did not answer within 30 s (log above: $state/dockerd.log)" >&2
    exit 1 ;;
  stop)
    [[ -f "$pidfile" ]] || exit 0
    pid=$(cat "$pidfile"); rm -f "$pidfile"
    kill "$pid" 2>/dev/null || exit 0
    for _ in $(seq 40); do kill -0 "$pid" 2>/dev/null || { echo "containers: stopped the dockerd it started (pid $pid)" >&2; exit 0; }; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
    echo "containers: dockerd (pid $pid) did not stop within 20 s; killed it" >&2 ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
