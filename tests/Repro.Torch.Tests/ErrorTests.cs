using static Repro.Torch.torch;
using F = Repro.Torch.torch.nn.functional;

namespace Repro.Torch.Tests;

/// <summary>Bad input becomes an exception with libtorch's message; the test host survives.</summary>
public class ErrorTests
{
    [Test]
    public void ShapeMismatchRaisesTorchExceptionWithLibtorchsMessage()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<TorchException>(() => zeros([2, 3]).matmul(zeros([4, 5])));
        Assert.That(e!.Message, Does.StartWith("matmul:").And.Contain("cannot be multiplied").And.Contain("2x3").And.Contain("4x5"));
        var add = Assert.Throws<TorchException>(() => _ = zeros([2, 3]) + zeros([4]));
        Assert.That(add!.Message, Does.Contain("must match the size"));
        var conv = Assert.Throws<TorchException>(() => F.conv2d(zeros([1, 3, 8, 8]), zeros([4, 2, 3, 3])));
        Assert.That(conv!.Message, Does.Contain("expected input").Or.Contain("channels"));
        Assert.Throws<TorchException>(() => zeros([6]).view(4));
        Assert.Throws<TorchException>(() => F.cross_entropy(zeros([2, 3]), tensor(new long[] { 0, 5 })));
        // After all that, the library still works.
        Assert.That((ones([2]) + ones([2])).sum().item(), Is.EqualTo(4));
    }

    [Test]
    public void UsingADisposedTensorRaisesObjectDisposedException()
    {
        Tensor t = ones([3]);
        t.Dispose();
        Assert.Throws<ObjectDisposedException>(() => _ = t.shape);
        Assert.Throws<ObjectDisposedException>(() => t.sum());
        Assert.Throws<ObjectDisposedException>(() => { using var a = ones([3]); _ = a + t; });
        Assert.Throws<ObjectDisposedException>(() => cat([ones([1]), t]));
        Assert.That(t.ToString(), Is.EqualTo("Tensor (disposed)"));
        t.Dispose(); // twice is harmless
    }

    [Test]
    public void WrongElementTypeIsExplained()
    {
        using var t = ones([2]);
        var e = Assert.Throws<TorchException>(() => t.ToArray<double>());
        Assert.That(e!.Message, Does.Contain("Float32").And.Contain("to(ScalarType.Float64)"));
        Assert.Throws<TorchException>(() => tensor(new float[] { 1, 2, 3 }, [2, 2]));
    }

    [Test]
    public void CudaIsSelectedAtRunTimeAndItsAbsenceIsExplained()
    {
        if (cuda.is_available())
        {
            using var t = ones([2], device: Device.CUDA);
            Assert.That(t.device.Type, Is.EqualTo(DeviceType.CUDA));
            Assert.That(t.cpu().sum().item(), Is.EqualTo(2));
        }
        else
        {
            var e = Assert.Throws<TorchException>(() => ones([2], device: Device.CUDA));
            Assert.That(e!.Message, Does.Contain("CUDA is not available").And.Contain("LIBTORCH"));
            using var cpuTensor = ones([2]);
            Assert.Throws<TorchException>(() => cpuTensor.to(Device.Parse("cuda:0")));
        }
        Assert.Throws<ArgumentException>(() => Device.Parse("tpu"));
        Assert.That(Device.Parse("cuda:1"), Is.EqualTo(new Device(DeviceType.CUDA, 1)));
    }

    [Test]
    public void BackwardWithoutGradIsAnException()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<TorchException>(() => ones([2]).sum().backward());
        Assert.That(e!.Message, Does.Contain("does not require grad"));
    }
}
