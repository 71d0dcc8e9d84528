namespace Repro.Dynamics;

/// <summary>Checks of the dynamics' inputs, made before any training starts, with errors that
/// name the argument and say what is accepted.</summary>
public static class Inputs
{
    public static double Beta(double beta) =>
        beta > 0 && double.IsFinite(beta) ? beta
            : throw new ArgumentOutOfRangeException(nameof(beta), beta, $"beta (the softmax inverse temperature) must be a finite number > 0; got {beta}");

    public static double LearningRate(double eta, string name = "eta") =>
        eta > 0 && double.IsFinite(eta) ? eta
            : throw new ArgumentOutOfRangeException(name, eta, $"learning rate {name} must be a finite number > 0; got {eta}");

    public static double LogitScale(double target) =>
        target > 0 && double.IsFinite(target) ? target
            : throw new ArgumentOutOfRangeException("logitScale", target, $"the target initial logit scale ||Z0|| must be a finite number > 0; got {target}");
}
