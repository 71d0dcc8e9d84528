using static Repro.Torch.PInvoke.Native;

namespace Repro.Torch;

public static partial class torch
{
    /// <summary>CUDA through libtorch, selected at run time: on a CPU libtorch, or with no GPU,
    /// is_available is false and device_count 0; what needs a GPU says so in its exception.</summary>
    public static unsafe class cuda
    {
        public static bool is_available() => RT_cuda_is_available() != 0;
        public static int device_count() => RT_cuda_device_count();

        /// <summary>Waits until every kernel queued on the device has run.</summary>
        public static void synchronize(Device device)
        {
            device.EnsureAvailable();
            Check(RTCuda_synchronize(Math.Max(0, device.Index)));
        }

        /// <summary>The cuDNN and TF32 policy now in force (process-wide in libtorch).</summary>
        public static CudaPolicy policy()
        {
            int* flags = stackalloc int[4];
            Check(RTCuda_get_policy(flags));
            // TF32 is one setting here; libtorch has one switch for matmul and one for convolutions.
            return new CudaPolicy(CudnnBenchmark: flags[0] != 0, CudnnDeterministic: flags[1] != 0, Tf32: flags[2] != 0 || flags[3] != 0);
        }

        public static void set_policy(CudaPolicy policy) =>
            Check(RTCuda_set_policy(policy.CudnnBenchmark ? 1 : 0, policy.CudnnDeterministic ? 1 : 0, policy.Tf32 ? 1 : 0));

        /// <summary>The CUDA runtime libtorch was built with, e.g. "12.4"; "" without CUDA.</summary>
        public static string runtime_version()
        {
            Check(RTCuda_versions(out long runtime, out _));
            return runtime <= 0 ? "" : $"{runtime / 1000}.{runtime % 1000 / 10}";
        }

        /// <summary>cuDNN's version, e.g. "9.1.0"; "" without cuDNN.</summary>
        public static string cudnn_version()
        {
            Check(RTCuda_versions(out _, out long cudnn));
            return FormatCudnn(cudnn);
        }

        /// <summary>cuDNN 8 numbers its versions major*1000 + minor*100 + patch, cuDNN 9 and later
        /// major*10000 + minor*100 + patch.</summary>
        internal static string FormatCudnn(long v) =>
            v <= 0 ? "" : v < 10000 ? $"{v / 1000}.{v % 1000 / 100}.{v % 100}" : $"{v / 10000}.{v % 10000 / 100}.{v % 100}";
    }
}
