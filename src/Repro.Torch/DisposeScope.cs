namespace Repro.Torch;

/// <summary>
/// Owns every tensor created on this thread while it is the innermost open scope, and disposes
/// them when it closes, except those moved out (<see cref="Tensor.MoveToOuterDisposeScope"/>) or
/// detached (<see cref="Tensor.DetachFromDisposeScope"/>). Wrap each training or evaluation step
/// in one, so native memory does not grow with steps:
/// <code>using (torch.NewDisposeScope()) { ... loss.backward(); optimizer.step(); }</code>
/// </summary>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic] static DisposeScope? current;

    readonly DisposeScope? outer;
    readonly HashSet<Tensor> owned = new(ReferenceEqualityComparer.Instance);
    bool disposed;

    internal DisposeScope()
    {
        outer = current;
        current = this;
    }

    internal static DisposeScope? Current => current;

    /// <summary>Tensors this scope will dispose.</summary>
    public int Count => owned.Count;

    internal void Add(Tensor t)
    {
        owned.Add(t);
        t.Scope = this;
    }

    internal void Remove(Tensor t)
    {
        owned.Remove(t);
        t.Scope = null;
    }

    internal void MoveToOuter(Tensor t)
    {
        Remove(t);
        outer?.Add(t);
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        if (current != this)
            throw new InvalidOperationException("dispose scopes must be closed innermost first, on the thread that opened them");
        current = outer;
        foreach (Tensor t in owned)
        {
            t.Scope = null;
            t.Dispose();
        }
        owned.Clear();
    }
}
