using Repro.Torch;
using static Repro.Torch.torch;

namespace Repro.Data;

/// <summary>
/// THEORY.md's reference data: inputs x ~ N(0, I_d), labels argmax of a random linear teacher
/// T x (T ~ N(0, 1), K x d). Deterministic by seed, float64 or float32.
/// </summary>
public static class LinearTeacher
{
    public static (Tensor x, Tensor labels) Sample(int count, int features, int classes, ulong seed, ScalarType dtype = ScalarType.Float64)
    {
        using var g = new Generator(seed);
        using var scope = NewDisposeScope();
        Tensor teacher = randn([classes, features], g, dtype);
        Tensor x = randn([count, features], g, dtype);
        Tensor labels = x.matmul(teacher.transpose(0, 1)).argmax(1);
        return (x.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope());
    }
}
