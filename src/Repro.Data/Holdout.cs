using Repro.Torch;
using static Repro.Torch.torch;

namespace Repro.Data;

/// <summary>
/// A validation split held out of a training split: <c>validation</c> examples drawn by a fixed
/// seed (fixed per experiment, not per cell, so that every cell is compared on the same examples);
/// training keeps the others, in their order. Both lists are indices into the training split.
/// </summary>
public static class Holdout
{
    public const ulong Seed = 20_250;

    public static (int[] Train, int[] Validation) Split(int total, int validation, ulong seed = Seed)
    {
        if (validation < 1 || validation >= total)
            throw new ArgumentOutOfRangeException(nameof(validation), validation,
                $"a validation split of {validation} of {total} training examples: it must hold at least one and leave at least one to train on");
        using var g = new Generator(seed);
        using var order = randperm(total, g);
        var held = new bool[total];
        foreach (long i in order.ToArray<long>().Take(validation)) held[i] = true;
        return (Enumerable.Range(0, total).Where(i => !held[i]).ToArray(), Enumerable.Range(0, total).Where(i => held[i]).ToArray());
    }
}
