#!/usr/bin/env bash
# What the container runs (the runner: harness/Repro.Harness/Containers). The checkout, mounted
# read-only at /src, is copied to /work without the host's build outputs (their obj/ folders name
# host paths) and built there; records go to /results (a host folder), as they finish.
#   run-inside.sh test <smoke|short|full> [filter]   the tier's fixtures (dotnet test, category
#       and filter ANDed), against the checkout's goldens; each case's outcome in
#       /results/tests/tests.trx; received snapshots are copied to /results/received/golden/
#       for the host to bring back beside its verified ones
#   run-inside.sh repro <arguments...>               the repro command line (a sweep's shard)
set -euo pipefail
mode=${1:-}; shift || true
[[ -f /etc/repro-libtorch ]] && export LIBTORCH=$(cat /etc/repro-libtorch)
command -v dotnet >/dev/null || { echo "container: no dotnet in the image (mount the .NET SDK at /usr/share/dotnet, or build with DOTNET=install)" >&2; exit 2; }
mkdir -p /work /results && rm -rf /results/received  # what an earlier run received is not this run's
# What the container writes into the results folder and its NuGet cache belongs to the host user
# who ran it; files that were there before are left as they are (a shared store).
touch /tmp/started
[[ -n "${REPRO_HOST_OWNER:-}" ]] && trap 'find /results /root/.nuget/packages -newer /tmp/started -exec chown -h "$REPRO_HOST_OWNER" {} + 2>/dev/null || true' EXIT
# Runs a command in the background so that a stop (SIGTERM, passed on by the container's init)
# reaches it: the run stops after its current step and keeps what it finished.
run() {
  "$@" & child=$!
  trap 'kill -TERM $child 2>/dev/null' TERM INT
  local status=0
  wait $child || status=$?
  # wait returns early when the trap runs; wait again for the child's own exit.
  if kill -0 $child 2>/dev/null; then wait $child || status=$?; fi
  return $status
}
tar -C /src --exclude='./artifacts' --exclude='*/bin' --exclude='*/obj' --exclude='./node_modules' \
    --exclude='*/node_modules' --exclude='./bench/gpu/out' --exclude='*.received.json' -cf - . | tar -C /work -xf -
cd /work
export REPRO_RESULTS=/results
# The host's SDK may be mounted read-only: no workload check that would write into it.
export DOTNET_SKIP_WORKLOAD_INTEGRITY_CHECK=true
echo "container: $mode $* on $(nproc) cores, libtorch from ${LIBTORCH:-Debian}"
case "$mode" in
  test)
    tier=${1:-smoke}
    filter="TestCategory=${tier^}"
    [[ -n "${2:-}" ]] && filter="$filter&(${2})"
    export REPRO_TIER=$tier
    status=0
    # The outcome of every test case, for the host to read (results/tests/tests.trx).
    run dotnet test experiments/Repro.Experiments.Tests --filter "$filter" \
      --logger "trx;LogFileName=tests.trx" --results-directory /results/tests || status=$?
    received=$(find golden -name '*.received.json' 2>/dev/null || true)
    if [[ -n "$received" ]]; then
      while read -r f; do mkdir -p "/results/received/$(dirname "$f")"; cp "$f" "/results/received/$f"; done <<<"$received"
      echo "container: $(wc -l <<<"$received") received snapshot(s) copied to received/ of the results folder"
    fi
    exit $status ;;
  repro)
    # Built first, then run as one process (not under `dotnet run`), so that the stop signal
    # reaches repro itself.
    dotnet build src/Repro.Cli -nologo -v:q
    run dotnet src/Repro.Cli/bin/Debug/net10.0/repro.dll "$@" ;;
  *)
    echo "usage: run-inside.sh test <tier> [filter] | repro <arguments...>" >&2; exit 2 ;;
esac
