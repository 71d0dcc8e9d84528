#!/usr/bin/env bash
# JPEG benchmark: Jpeg.Decode vs libjpeg-turbo's tjbench on the same files (see JpegBench.cs).
set -euo pipefail
cd "$(dirname "$0")/.."
bash src/Repro.Torch/native/ensure-packages.sh "the JPEG benchmark" libjpeg-turbo-progs
dotnet run -c Release --project bench/Repro.Bench -- jpeg "$@"
