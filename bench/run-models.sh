#!/usr/bin/env bash
# Models benchmark: training throughput of ResNet-50 and the Short tier's WRN-10-1, C# vs PyTorch on the same
# libtorch (see bench/Repro.Bench/ModelsBench.cs). Options: --steps N --rounds R --warmup W --model NAME
set -euo pipefail
cd "$(dirname "$0")/.."
bash src/Repro.Torch/native/ensure-packages.sh "the models benchmark" python3-torch python3-torchvision
dotnet run -c Release --project bench/Repro.Bench -- models "$@"
