namespace Repro.Torch;

/// <summary>An error raised by libtorch (its message), or a misuse the binding caught first.</summary>
public sealed class TorchException : Exception
{
    public TorchException(string message) : base(message) { }
    public TorchException(string message, Exception inner) : base(message, inner) { }
}
