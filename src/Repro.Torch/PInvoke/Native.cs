using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Repro.Torch.PInvoke;

/// <summary>Checks every native call right after it returns, as the shim's contract asks.</summary>
internal static partial class Native
{
    [LibraryImport(NativeLoader.Library)]
    private static partial IntPtr RT_last_error();

    internal static string LastError() => Marshal.PtrToStringUTF8(RT_last_error()) ?? "(no message)";

    /// <summary>A tensor-returning call: nullptr means the shim caught an error.</summary>
    internal static Tensor Wrap(IntPtr result, [CallerMemberName] string op = "")
    {
        if (result == IntPtr.Zero) throw new TorchException($"{op}: {LastError()}");
        return new Tensor(result);
    }

    /// <summary>A status-returning call: -1 means the shim caught an error.</summary>
    internal static void Check(int status, [CallerMemberName] string op = "")
    {
        if (status != 0) throw new TorchException($"{op}: {LastError()}");
    }
}

/// <summary>
/// Raw handles of several tensors for one native call, each kept alive (ref-counted by its
/// SafeHandle) until the call returns, so that a concurrent Dispose cannot free one mid-call.
/// </summary>
internal readonly ref struct HandleList
{
    readonly IReadOnlyList<Tensor?> tensors;
    readonly bool[] added;
    public readonly IntPtr[] Handles;

    public HandleList(IReadOnlyList<Tensor?> tensors)
    {
        this.tensors = tensors;
        Handles = new IntPtr[tensors.Count];
        added = new bool[tensors.Count];
        for (int i = 0; i < tensors.Count; i++)
        {
            Tensor? t = tensors[i];
            if (t is null) continue;
            bool ok = false;
            t.DangerousAddRef(ref ok); // throws ObjectDisposedException on a disposed tensor
            added[i] = ok;
            Handles[i] = t.DangerousGetHandle();
        }
    }

    public void Dispose()
    {
        for (int i = 0; i < Handles.Length; i++)
            if (added[i]) tensors[i]!.DangerousRelease();
    }
}
