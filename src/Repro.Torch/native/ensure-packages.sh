#!/usr/bin/env bash
# Makes sure Debian packages are installed: installs the missing ones with apt-get when running
# as root on Debian or Ubuntu (saying so), otherwise exits 1 with the exact command to run.
# Usage: ensure-packages.sh <why> <package>...
set -euo pipefail
why=$1; shift
packages=("$@")

find_missing() {
  missing=()
  for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || missing+=("$p")
  done
}
find_missing
[[ ${#missing[@]} -eq 0 ]] && exit 0

command="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
if [[ $(id -u) -ne 0 || ! -f /etc/debian_version ]] || ! command -v apt-get >/dev/null; then
  echo "repro: missing Debian packages ${missing[*]} (needed by $why). Install them with:" >&2
  echo "  sudo $command" >&2
  exit 1
fi

# MSBuild builds projects in parallel, and each may need packages: one apt-get at a time (dpkg
# holds a lock and a second apt-get fails at once), and look again once it is our turn.
exec 9>/tmp/repro-ensure-packages.lock
flock 9
find_missing
[[ ${#missing[@]} -eq 0 ]] && exit 0
command="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"

echo "repro: installing ${missing[*]} with apt-get (needed by $why; one-time, may take a minute)..." >&2
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp /tmp/repro-apt.XXXXXX.log)
apt-get update >"$log" 2>&1 || { cat "$log" >&2; echo "repro: apt-get update failed (log above)" >&2; exit 1; }
# A large install can fail once on these images (a hook deletes cached .deb files while dpkg
# still needs them); the second attempt succeeds.
for attempt in 1 2; do
  if apt-get install -y --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
    echo "repro: installed ${missing[*]}" >&2
    rm -f "$log"
    exit 0
  fi
  [[ $attempt -eq 1 ]] && echo "repro: apt-get install failed once; retrying..." >&2
done
tail -n 30 "$log" >&2
echo "repro: could not install ${missing[*]} (full log: $log). Run: $command" >&2
exit 1
