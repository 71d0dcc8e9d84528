#!/usr/bin/env bash
# The local base image: Debian 12 (minbase) from debootstrap, imported with `docker import`, for
# machines that reach a Debian mirror but no image registry. Users elsewhere build from public
# bases instead (the Dockerfile's defaults). Cached by a content hash of this script, the suite and
# the mirror: a second run reuses the image. Prints the image's name on stdout.
# Usage: containers/base.sh    (needs root for debootstrap, and a running Docker engine)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
suite=bookworm

mirror() { bash "$here/../.ci/debian-mirror"; }
url=$(mirror)
hash=$( { cat "$here/base.sh"; echo "$suite $url"; } | sha256sum | cut -c1-12)
image=repro-base:$suite-$hash
if docker image inspect "$image" >/dev/null 2>&1; then
  echo "containers: reusing $image" >&2
  echo "$image"
  exit 0
fi
command -v debootstrap >/dev/null || bash "$here/../src/Repro.Torch/native/ensure-packages.sh" "the local base image" debootstrap
[[ $(id -u) -eq 0 ]] || { echo "containers: debootstrap needs root (the base image is made once, then reused)" >&2; exit 1; }
root=$(mktemp -d /tmp/repro-base.XXXXXX)
trap 'rm -rf "$root"' EXIT
echo "containers: making $image from $url with debootstrap (about a minute)..." >&2
debootstrap --variant=minbase "$suite" "$root" "$url" >"$root.log" 2>&1 ||
  { tail -n 20 "$root.log" >&2; echo "containers: debootstrap failed (log: $root.log)" >&2; exit 1; }
rm -f "$root.log"
# The image keeps the mirror it was made from; apt's caches and lists would be 80 MB of stale state.
echo "deb $url $suite main" >"$root/etc/apt/sources.list"
rm -rf "$root/var/cache/apt/archives/"*.deb "$root/var/lib/apt/lists/"*
tar -C "$root" -c . | docker import - "$image" >/dev/null
echo "containers: made $image ($(docker image inspect "$image" --format '{{.Size}}' | awk '{printf "%d MB", $1/1e6}'))" >&2
echo "$image"
