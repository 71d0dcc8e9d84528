#!/usr/bin/env bash
# Installs the report's npm packages (package-lock.json) into node_modules beside this script with
# `npm ci`, saying what it installs; npm itself comes from Debian (ensure-packages.sh) when missing.
# --ignore-scripts: vega-cli depends on `canvas`, whose install script compiles a native module
# against cairo for PNG and PDF output; SVG output, the only one used here, needs no canvas.
# Usage: ensure-node-packages.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)

if ! command -v npm >/dev/null; then
  bash "$root/src/Repro.Torch/native/ensure-packages.sh" "repro report's Vega rendering" nodejs npm
fi

# Builds of several projects run this at once: one npm ci at a time, and look again once it is
# our turn.
exec 9>/tmp/repro-report-npm.lock
flock 9
if [[ -f "$here/node_modules/.package-lock.json" && "$here/node_modules/.package-lock.json" -nt "$here/package-lock.json" ]]; then
  exit 0
fi

packages=$(node -e 'const d = require(process.argv[1]).dependencies; console.log(Object.entries(d).map(([n, v]) => `${n}@${v}`).join(", "))' "$here/package.json")
echo "repro: installing $packages (and their dependencies, package-lock.json) into $here/node_modules with npm ci (needed by repro report; one-time)..." >&2
log=$(mktemp /tmp/repro-npm.XXXXXX.log)
if (cd "$here" && npm ci --ignore-scripts --no-audit --no-fund) >"$log" 2>&1; then
  echo "repro: installed the report's npm packages" >&2
  rm -f "$log"
  exit 0
fi
tail -n 30 "$log" >&2
echo "repro: npm ci failed in $here (full log: $log); run it there by hand: npm ci --ignore-scripts" >&2
exit 1
