#!/usr/bin/env bash
# Prepares the GPU device check on a machine with the .NET SDK (this one): publishes the check
# program (bench/Repro.Bench, `gpu`) and packs the .NET runtime it needs, so that run.sh works on
# a GPU machine with a CUDA PyTorch and no .NET. Writes bench/gpu/out/ (ignored by git):
#   out/app/                    the published program (its librepro_torch.so is rebuilt there)
#   out/dotnet-runtime.tar.xz   the dotnet host, hostfxr and Microsoft.NETCore.App of this SDK
# Usage: bash bench/gpu/prepare.sh    (then copy the checkout, out/ included, and run run.sh)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$here/out
rm -rf "$out"
mkdir -p "$out"

echo "gpu prepare: publishing bench/Repro.Bench..." >&2
dotnet publish "$root/bench/Repro.Bench" -c Release -o "$out/app" -nologo -v:q >"$out/publish.log" 2>&1 ||
  { tail -n 30 "$out/publish.log" >&2; echo "gpu prepare: publish failed (log above)" >&2; exit 1; }
rm -f "$out/publish.log" "$out/app/"*.pdb
# The shim in app/ was built against this machine's libtorch; run.sh builds the device's.
rm -f "$out/app/librepro_torch.so"

dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
version=$(dotnet --list-runtimes | awk '$1 == "Microsoft.NETCore.App" {print $2}' | sort -V | tail -n1)
[[ -n "$version" && -d "$dotnet_root/shared/Microsoft.NETCore.App/$version" ]] ||
  { echo "gpu prepare: no Microsoft.NETCore.App runtime under $dotnet_root" >&2; exit 1; }
echo "gpu prepare: packing the .NET $version runtime from $dotnet_root (xz, about a minute)..." >&2
tar -C "$dotnet_root" -cf - dotnet host/fxr "shared/Microsoft.NETCore.App/$version" | xz -6 -T0 >"$out/dotnet-runtime.tar.xz"

total=$(du -sb "$out" | cut -f1)
echo "gpu prepare: out/ holds $((total / 1024 / 1024)) MiB (app $(du -sm "$out/app" | cut -f1) MiB, runtime $(du -sm "$out/dotnet-runtime.tar.xz" | cut -f1) MiB)"
(( total < 64 * 1024 * 1024 )) || { echo "gpu prepare: over 64 MiB, too large to carry to a device machine" >&2; exit 1; }
