#!/usr/bin/env bash
# Foundation benchmark: C# binding vs PyTorch on the same libtorch (see FoundationBench.cs).
set -euo pipefail
cd "$(dirname "$0")/.."
bash src/Repro.Torch/native/ensure-packages.sh "the foundation benchmark" python3-torch
dotnet run -c Release --project bench/Repro.Bench -- foundation "$@"
