namespace Repro.Torch;

/// <summary>
/// The numerics a CUDA run asks libtorch for. The defaults are the paper's fp32 semantics and a
/// repeatable run: TF32 off for matrix products and convolutions (libtorch itself allows TF32 in
/// cuDNN convolutions unless told otherwise), cuDNN's algorithm autotuning off (it can pick a
/// different algorithm, and so a different round-off, from one run to the next) and cuDNN's
/// deterministic algorithms on (a resumed cell then continues bit for bit). On the CPU none of
/// this applies.
/// </summary>
public sealed record CudaPolicy(bool CudnnBenchmark = false, bool CudnnDeterministic = true, bool Tf32 = false);
