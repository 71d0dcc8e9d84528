namespace Repro.Torch.Optim;

/// <summary>The learning rate as a function of the step (0-based). The trainer sets
/// <c>optimizer.lr = schedule.At(step)</c> before each step.</summary>
public abstract record LearningRateSchedule
{
    public abstract double At(long step);

    protected static void RequirePositive(double value, string name)
    {
        if (!(value > 0) || double.IsInfinity(value))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number > 0");
    }
}

/// <summary>The same rate at every step.</summary>
public sealed record ConstantSchedule : LearningRateSchedule
{
    public double Lr { get; }
    public ConstantSchedule(double lr) { RequirePositive(lr, nameof(lr)); Lr = lr; }
    public override double At(long step) => Lr;
}

/// <summary>lr * gamma^(number of milestones passed): the ResNet "step decay".</summary>
public sealed record StepSchedule : LearningRateSchedule
{
    public double Lr { get; }
    public double Gamma { get; }
    public IReadOnlyList<long> Milestones { get; }

    public StepSchedule(double lr, double gamma, IReadOnlyList<long> milestones)
    {
        RequirePositive(lr, nameof(lr));
        RequirePositive(gamma, nameof(gamma));
        for (int i = 1; i < milestones.Count; i++)
            if (milestones[i] <= milestones[i - 1])
                throw new ArgumentException($"milestones must increase, got [{string.Join(", ", milestones)}]", nameof(milestones));
        (Lr, Gamma, Milestones) = (lr, gamma, milestones.ToArray());
    }

    public override double At(long step) => Lr * Math.Pow(Gamma, Milestones.Count(m => step >= m));
}

/// <summary>Linear warm-up from 0 over warmupSteps, then cosine decay to minLr at totalSteps.</summary>
public sealed record CosineSchedule : LearningRateSchedule
{
    public double Lr { get; }
    public long WarmupSteps { get; }
    public long TotalSteps { get; }
    public double MinLr { get; }

    public CosineSchedule(double lr, long totalSteps, long warmupSteps = 0, double minLr = 0)
    {
        RequirePositive(lr, nameof(lr));
        if (totalSteps <= 0) throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, "totalSteps must be > 0");
        if (warmupSteps < 0 || warmupSteps >= totalSteps)
            throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, $"warmupSteps must be in [0, totalSteps={totalSteps})");
        if (!(minLr >= 0) || minLr > lr) throw new ArgumentOutOfRangeException(nameof(minLr), minLr, $"minLr must be in [0, lr={lr}]");
        (Lr, TotalSteps, WarmupSteps, MinLr) = (lr, totalSteps, warmupSteps, minLr);
    }

    public override double At(long step)
    {
        if (step < WarmupSteps) return Lr * (step + 1) / WarmupSteps;
        double progress = Math.Min(1.0, (double)(step - WarmupSteps) / (TotalSteps - WarmupSteps));
        return MinLr + 0.5 * (Lr - MinLr) * (1 + Math.Cos(Math.PI * progress));
    }
}
