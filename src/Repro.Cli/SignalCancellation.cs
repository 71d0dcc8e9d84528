using System.Runtime.InteropServices;

namespace Repro.Cli;

/// <summary>
/// Ctrl-C and SIGTERM as a CancellationToken: the first signal cancels it, and the running cell
/// stops at its next step while every finished record stays on disk (records are written
/// atomically, and a write in progress is never interrupted by the token). A second signal ends
/// the process at once, as a plain Ctrl-C would; even then no finished record is lost.
/// </summary>
public sealed class SignalCancellation : IDisposable
{
    readonly CancellationTokenSource source = new();
    readonly PosixSignalRegistration[] registrations;
    readonly TextWriter errors;
    int received;

    public SignalCancellation(TextWriter errors)
    {
        this.errors = errors;
        registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal), PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal)];
    }

    public CancellationToken Token => source.Token;

    void OnSignal(PosixSignalContext context)
    {
        if (Interlocked.Increment(ref received) > 1) return;  // context.Cancel stays false: the default action ends the process
        context.Cancel = true;
        errors.WriteLine($"repro: {context.Signal}: stopping after the current step; finished cells are kept (again to stop at once)");
        source.Cancel();
    }

    public void Dispose()
    {
        foreach (var r in registrations) r.Dispose();
        source.Dispose();
    }
}
