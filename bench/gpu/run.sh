#!/usr/bin/env bash
# The GPU device check: on a machine with an NVIDIA GPU, a CUDA PyTorch (pip's torch package, which
# carries libtorch and its headers) and no .NET SDK. Builds the shim against that torch, unpacks
# the .NET runtime prepare.sh packed, and runs the check program: the binding's CUDA checks,
# WRN-28-10 steps/s in C# against PyTorch on the same GPU, one smoke cell of each model experiment
# on CUDA. Budget: 8 minutes. Without a GPU it stops with one line and exit code 3.
# Usage: bash bench/gpu/run.sh    (REPRO_PYTHON: the python whose torch to use, default python3)
# REPRO_GPU_CHECK_DEVICE=cpu tries the whole script on a machine without a GPU (a CPU torch; every
# check on the CPU, no benchmark).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
python=${REPRO_PYTHON:-python3}
device=${REPRO_GPU_CHECK_DEVICE:-cuda}
out=$here/out

command -v "$python" >/dev/null || { echo "gpu check: no $python (set REPRO_PYTHON to a python with a CUDA torch)"; exit 3; }
read -r torch_dir torch_version cuda abi < <("$python" - <<'PY' 2>/dev/null || echo "- - - -"
import os, torch
print(os.path.dirname(torch.__file__), torch.__version__, torch.cuda.is_available(), int(torch.compiled_with_cxx11_abi()))
PY
)
[[ "$torch_dir" != "-" ]] || { echo "gpu check: $python has no torch (set REPRO_PYTHON to a python with a CUDA torch)"; exit 3; }
if [[ "$device" == cuda && "$cuda" != "True" ]]; then
  echo "gpu check: no CUDA GPU here (torch $torch_version at $torch_dir sees none): run it on a machine with an NVIDIA GPU and a CUDA PyTorch; nothing was run"
  exit 3
fi
[[ -f "$out/app/Repro.Bench.dll" && -f "$out/dotnet-runtime.tar.xz" ]] ||
  { echo "gpu check: $out has no prepared program; run bash bench/gpu/prepare.sh on a machine with the .NET SDK first"; exit 1; }
command -v g++ >/dev/null || { echo "gpu check: needs g++ to build the shim against torch $torch_version"; exit 1; }

work=$(mktemp -d /tmp/repro-gpu.XXXXXX)
trap 'rm -rf "$work"' EXIT
start=$SECONDS
echo "gpu check: torch $torch_version ($torch_dir), C++ ABI $abi; building the shim..."
mkdir -p "$work/obj"
# One object per source in parallel, then the library; the same sources, flags and libraries as
# CMakeLists.txt (libtorch_cuda kept linked: it registers the CUDA backend when loaded).
flags=(-std=c++17 -O2 -fPIC -fvisibility=hidden "-D_GLIBCXX_USE_CXX11_ABI=$abi"
  -isystem "$torch_dir/include" -isystem "$torch_dir/include/torch/csrc/api/include")
pids=()
for source in "$root"/src/Repro.Torch/native/*.cpp; do
  g++ "${flags[@]}" -c "$source" -o "$work/obj/$(basename "$source" .cpp).o" 2>"$work/obj/$(basename "$source").log" & pids+=($!)
done
for pid in "${pids[@]}"; do
  wait "$pid" || { cat "$work"/obj/*.log | grep -E ': (fatal )?error: ' | head -n 20; echo "gpu check: the shim does not compile against torch $torch_version"; exit 1; }
done
mkdir -p "$work/app"
cp -r "$out/app/." "$work/app/"
libraries=(-ltorch -ltorch_cpu -lc10)
[[ "$device" == cuda ]] && libraries+=(-ltorch_cuda -lc10_cuda)
g++ -shared -o "$work/app/librepro_torch.so" "$work"/obj/*.o -L"$torch_dir/lib" -Wl,--no-as-needed \
  "${libraries[@]}" -Wl,-rpath,"$torch_dir/lib" ||
  { echo "gpu check: the shim does not link against torch $torch_version"; exit 1; }
echo "gpu check: shim built in $((SECONDS - start)) s; unpacking .NET..."
mkdir -p "$work/dotnet"
xz -dc "$out/dotnet-runtime.tar.xz" | tar -C "$work/dotnet" -xf -
export DOTNET_ROOT=$work/dotnet DOTNET_CLI_TELEMETRY_OPTOUT=1 REPRO_PYTHON=$python
# The PyTorch reference and parity models travel with the app (bench/*.py under app/python).
timeout 420 "$work/dotnet/dotnet" "$work/app/Repro.Bench.dll" gpu --device "$device" "$@" || status=$?
echo "gpu check: done in $((SECONDS - start)) s"
exit "${status:-0}"
