#!/usr/bin/env bash
# Builds the native shim (librepro_torch.so) against libtorch. Called by MSBuild before the C#
# compile of Repro.Torch; cmake makes repeated builds incremental.
#
# libtorch is taken from, in order: $LIBTORCH (an unpacked libtorch zip, or a pip torch
# package directory), $Torch_DIR (the folder holding TorchConfig.cmake), Debian's libtorch-dev.
# Usage: build-shim.sh <build dir> <output .so>
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build_dir=$1
output=$2
mkdir -p "$build_dir" "$(dirname "$output")"

# Two builds at once (two terminals, an IDE) would corrupt the cmake tree.
exec 9>"$build_dir/.lock"
flock 9

multiarch=$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
debian_torch_dir=/usr/lib/$multiarch/cmake/Torch
if [[ -n "${LIBTORCH:-}" ]]; then
  torch_dir=$LIBTORCH/share/cmake/Torch
  [[ -f "$torch_dir/TorchConfig.cmake" ]] || {
    echo "repro: LIBTORCH=$LIBTORCH has no share/cmake/Torch/TorchConfig.cmake; point it at an unpacked libtorch (the folder holding lib/ and share/) or at a pip torch package directory" >&2
    exit 1; }
  source="LIBTORCH ($LIBTORCH)"
elif [[ -n "${Torch_DIR:-}" ]]; then
  torch_dir=$Torch_DIR
  [[ -f "$torch_dir/TorchConfig.cmake" ]] || {
    echo "repro: Torch_DIR=$Torch_DIR does not hold TorchConfig.cmake" >&2; exit 1; }
  source="Torch_DIR ($Torch_DIR)"
else
  # Debian's libtorch; OpenBLAS (OpenMP build) because the reference BLAS is 8-10x slower for
  # GRU and linear layers; cmake and g++ to build this shim.
  "$here/ensure-packages.sh" "building the libtorch shim" libtorch-dev libopenblas0-openmp cmake g++ make
  torch_dir=$debian_torch_dir
  source="Debian libtorch-dev"
fi

echo "repro: building native shim against $source" >&2
log=$build_dir/build.log
if ! { cmake -S "$here" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DTorch_DIR="$torch_dir" &&
       cmake --build "$build_dir" -j "$(nproc)"; } >"$log" 2>&1; then
  grep -E "error|Error" "$log" | head -n 20 >&2 || true
  echo "repro: native shim build failed; full log: $log" >&2
  exit 1
fi
cp -f "$build_dir/librepro_torch.so" "$output.tmp"
mv -f "$output.tmp" "$output"
