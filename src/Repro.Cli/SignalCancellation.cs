using System.Runtime.InteropServices;

namespace Repro.Cli;

/// <summary>
/// Ctrl-C and SIGTERM as a CancellationToken: the first signal cancels it, and the running cell
/// stops at its next step while every finished record stays on disk (records are written
/// atomically, and a write in progress is never interrupted by the token). A second signal ends
/// the process at once, as a plain Ctrl-C would; even then no finished record is lost. Only inside
/// <see cref="Watch"/> (while cells run): elsewhere (list, report, a sweep's report) the first
/// signal ends the process as usual, since nothing there is lost by stopping.
/// </summary>
public sealed class SignalCancellation : IDisposable
{
    readonly CancellationTokenSource source = new();
    readonly PosixSignalRegistration[] registrations;
    readonly TextWriter errors;
    int received, watching;

    public SignalCancellation(TextWriter errors)
    {
        this.errors = errors;
        registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal), PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal)];
    }

    public CancellationToken Token => source.Token;

    /// <summary>Signals stop cells gracefully until the result is disposed.</summary>
    public IDisposable Watch()
    {
        Interlocked.Increment(ref watching);
        return new Unwatch(this);
    }

    sealed class Unwatch(SignalCancellation owner) : IDisposable
    {
        int disposed;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0) Interlocked.Decrement(ref owner.watching);
        }
    }

    void OnSignal(PosixSignalContext context)
    {
        if (Volatile.Read(ref watching) == 0) return;  // nothing to save: the default action ends the process
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
