#!/usr/bin/env bash
# ImageNet loader benchmark: training and evaluation batches vs their per-image work (see ImageFolderBench.cs).
set -euo pipefail
cd "$(dirname "$0")/.."
bash src/Repro.Torch/native/ensure-packages.sh "the ImageNet loader benchmark" libjpeg-turbo-progs
dotnet run -c Release --project bench/Repro.Bench -- imagefolder "$@"
