namespace Repro.Torch.Tests;

public class RuntimeTests
{
    [Test]
    public void ThreadsFollowCoresOrReproThreads()
    {
        string? requested = Environment.GetEnvironmentVariable("REPRO_THREADS");
        int expected = string.IsNullOrEmpty(requested) ? Environment.ProcessorCount : int.Parse(requested);
        Assert.That(TorchRuntime.Threads, Is.EqualTo(expected));
    }

    [Test]
    public void ThreadsCanBeResizedAndRestored()
    {
        int before = TorchRuntime.Threads;
        try
        {
            TorchRuntime.SetThreads(1);
            Assert.That(TorchRuntime.Threads, Is.EqualTo(1));
            Assert.Throws<ArgumentOutOfRangeException>(() => TorchRuntime.SetThreads(0));
        }
        finally
        {
            TorchRuntime.SetThreads(before);
        }
        Assert.That(TorchRuntime.Threads, Is.EqualTo(TorchRuntime.DefaultThreads));
    }

    [Test]
    public void VersionAndBlasAreReported()
    {
        Assert.That(TorchRuntime.Version, Does.Match(@"^\d+\.\d+"));
        Assert.That(TorchRuntime.Blas, Is.Not.Empty);
        Assert.That(TorchRuntime.BuildConfig, Does.Contain("PyTorch built with"));
        Assert.That(TorchRuntime.ParallelInfo, Does.Contain("at::get_num_threads()"));
    }

    [Test]
    public void BadReproThreadsIsExplained()
    {
        var e = Assert.Throws<TorchException>(() => PInvoke.NativeLoader.RequestedThreads("many"));
        Assert.That(e!.Message, Does.Contain("REPRO_THREADS='many'"));
        Assert.Throws<TorchException>(() => PInvoke.NativeLoader.RequestedThreads("0"));
        Assert.That(PInvoke.NativeLoader.RequestedThreads("3"), Is.EqualTo(3));
        Assert.That(PInvoke.NativeLoader.RequestedThreads(null), Is.EqualTo(Environment.ProcessorCount));
    }
}
