using Repro.Torch;
using Repro.Torch.Modules;
using static Repro.Torch.torch;

namespace Repro.Models.Tests;

static class ModelAssert
{
    public static long ParameterCount(Module m) => m.parameters().Sum(p => p.numel());

    /// <summary>||a - b|| / ||b||, in float64.</summary>
    public static double RelativeError(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        Tensor a64 = a.to(ScalarType.Float64), b64 = b.to(ScalarType.Float64);
        return (a64 - b64).norm().item() / b64.norm().item();
    }

    public static void SameState(Module a, Module b, bool expectEqual)
    {
        var sa = a.state_dict();
        var sb = b.state_dict();
        Assert.That(sb.Keys, Is.EqualTo(sa.Keys));
        bool allEqual = sa.All(kv => kv.Value.ToBytes().AsSpan().SequenceEqual(sb[kv.Key].ToBytes()));
        Assert.That(allEqual, Is.EqualTo(expectEqual), expectEqual ? "the same seed gave different weights" : "different seeds gave the same weights");
    }
}
