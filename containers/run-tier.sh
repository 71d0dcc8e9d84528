#!/usr/bin/env bash
# Runs a tier of the experiments inside the image: the checkout, mounted read-only at /src, is
# copied to /work without the host's build outputs (its obj/ folders name host paths), built
# there, and the tier's fixtures run with their records in /results (a host folder). The goldens
# they compare against are the checkout's; received snapshots are copied to /results/received/
# so the host sees what moved. Usage: run-tier.sh <smoke|short|full> [dotnet test --filter expression]
set -euo pipefail
tier=${1:-smoke}
filter="TestCategory=${tier^}"
[[ -n "${2:-}" ]] && filter="$filter&(${2})"
[[ -f /etc/repro-libtorch ]] && export LIBTORCH=$(cat /etc/repro-libtorch)
command -v dotnet >/dev/null || { echo "container: no dotnet in the image (mount the .NET SDK at /usr/share/dotnet, or build with DOTNET=install)" >&2; exit 2; }
mkdir -p /work /results
tar -C /src --exclude='./artifacts' --exclude='*/bin' --exclude='*/obj' --exclude='./node_modules' \
    --exclude='*/node_modules' --exclude='./bench/gpu/out' --exclude='*.received.json' -cf - . | tar -C /work -xf -
cd /work
export REPRO_TIER=$tier REPRO_RESULTS=/results
echo "container: $tier tier (filter $filter) on $(nproc) cores, libtorch from ${LIBTORCH:-Debian}"
status=0
dotnet test experiments/Repro.Experiments.Tests --filter "$filter" || status=$?
received=$(cd /work && find golden -name '*.received.json' 2>/dev/null || true)
if [[ -n "$received" ]]; then
  mkdir -p /results/received
  while read -r f; do mkdir -p "/results/received/$(dirname "$f")"; cp "$f" "/results/received/$f"; done <<<"$received"
  echo "container: $(wc -l <<<"$received") received snapshot(s) copied to received/ of the results folder"
fi
exit $status
