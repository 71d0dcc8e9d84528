namespace Repro.Cli.Reporting;

/// <summary>Why a figure has nothing to plot, in the words the page shows.</summary>
static class Absence
{
    public const string NoAccuracy =
        "No complete cell records a test accuracy (scalar final_test_accuracy or test_accuracy, or curve test_accuracy).";
    public const string NoLossCurve = "No cell records a training loss curve (curve train_loss, keyed by step).";
}
