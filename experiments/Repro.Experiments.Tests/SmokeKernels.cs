using System.Runtime.CompilerServices;
using Repro.Harness;
using Repro.Torch;

namespace Repro.Experiments.Tests;

/// <summary>
/// The smoke tier's goldens hold on any x86-64 machine with AVX2 only if every machine runs the
/// same SIMD kernels: before libtorch loads in this test process, a smoke run pins OpenBLAS, ATen
/// and oneDNN to their AVX2 kernels (<see cref="Avx2Kernels"/>). Measured on the AMD EPYC (AVX2)
/// machine that accepted them: the pin leaves every result bit for bit as it was there.
/// </summary>
static class SmokeKernels
{
#pragma warning disable CA2255 // must run before the first native call, which loads libtorch
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Pin()
    {
        if (Tier.Current == Tier.Smoke) Avx2Kernels.Pin();
    }
}
