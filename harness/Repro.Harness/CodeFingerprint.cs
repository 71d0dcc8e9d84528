using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace Repro.Harness;

/// <summary>
/// A short hash of the code that ran a cell: the module version ids of the experiment's assembly
/// and every Repro.* assembly it references, directly or not. Builds are deterministic, so the
/// fingerprint changes exactly when that code changes. Run records carry it; the smoke tier
/// reruns a cell whose record another build of the code made.
/// </summary>
public static class CodeFingerprint
{
    public static string Of(Type experimentType)
    {
        var seen = new SortedDictionary<string, Guid>(StringComparer.Ordinal);
        var pending = new Stack<Assembly>([experimentType.Assembly]);
        while (pending.Count > 0)
        {
            var assembly = pending.Pop();
            string name = assembly.GetName().Name!;
            if (!seen.TryAdd(name, assembly.ManifestModule.ModuleVersionId)) continue;
            foreach (var reference in assembly.GetReferencedAssemblies())
                if (reference.Name!.StartsWith("Repro.", StringComparison.Ordinal) && !seen.ContainsKey(reference.Name))
                    pending.Push(Assembly.Load(reference));
        }
        string text = string.Join(";", seen.Select(kv => $"{kv.Key}={kv.Value:N}"));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }
}
