using static Repro.Torch.torch;

namespace Repro.Torch.Tests;

/// <summary>The CUDA surface on whatever libtorch this is: on a CPU one (CI) every GPU-only call is
/// a TorchException that says what is missing, and the facts that do not need a GPU still work.
/// The CUDA side itself runs in bench/gpu's device check.</summary>
public class CudaTests
{
    [Test]
    public void ThePolicyIsSetAndReadBackAsGiven()
    {
        var before = cuda.policy();
        try
        {
            foreach (var policy in new[] { new CudaPolicy(), new CudaPolicy(CudnnBenchmark: true, CudnnDeterministic: false, Tf32: true) })
            {
                cuda.set_policy(policy);
                Assert.That(cuda.policy(), Is.EqualTo(policy));
            }
        }
        finally
        {
            cuda.set_policy(before);
        }
        Assert.That(new CudaPolicy(), Is.EqualTo(new CudaPolicy(CudnnBenchmark: false, CudnnDeterministic: true, Tf32: false)),
            "the defaults: the paper's fp32 (no TF32) and repeatable cuDNN");
    }

    [Test]
    public void CudnnVersionsReadAsTheyArePrinted()
    {
        Assert.That(cuda.FormatCudnn(8902), Is.EqualTo("8.9.2"));
        Assert.That(cuda.FormatCudnn(90100), Is.EqualTo("9.1.0"));
        Assert.That(cuda.FormatCudnn(0), Is.EqualTo(""));
    }

    [Test]
    public void WithoutAGpuTheGpuCallsSaySo()
    {
        if (cuda.is_available())
        {
            Assert.That(cuda.runtime_version(), Does.Match(@"^\d+\.\d+$"));
            using var pinned = ones([3]).pin_memory();
            using var moved = pinned.to(Device.CUDA, non_blocking: true);
            cuda.synchronize(Device.CUDA);
            Assert.That(moved.cpu().sum().item(), Is.EqualTo(3));
            return;
        }
        Assert.That(cuda.runtime_version(), Is.EqualTo(""));
        Assert.That(cuda.cudnn_version(), Is.EqualTo(""));
        using var t = ones([3]);
        Assert.That(Assert.Throws<TorchException>(() => t.pin_memory())!.Message, Does.Contain("CUDA is not available"));
        Assert.That(Assert.Throws<TorchException>(() => cuda.synchronize(Device.CUDA))!.Message, Does.Contain("CUDA is not available"));
        using var same = t.to(Device.CPU, non_blocking: true);
        Assert.That(same.sum().item(), Is.EqualTo(3));
    }

    [Test]
    public void TheDriverIsAskedOnlyIfItIsThere()
    {
        // No GPU, no driver: empty, never an exception (doctor and every run record ask).
        var gpus = CudaDevices.List;
        if (gpus.Count == 0) Assert.That(cuda.is_available(), Is.False, "libtorch cannot use a GPU the driver does not list");
        foreach (var gpu in gpus)
        {
            Assert.That(gpu.Name, Is.Not.Empty);
            Assert.That(gpu.MemoryBytes, Is.GreaterThan(0));
        }
        Assert.That(CudaDevices.Describe(new Gpu(0, "NVIDIA H100", 85_520_809_984)), Is.EqualTo("NVIDIA H100, 79.6 GiB"));
    }
}
