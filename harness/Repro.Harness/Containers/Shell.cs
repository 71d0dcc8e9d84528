using System.Diagnostics;

namespace Repro.Harness.Containers;

/// <summary>Runs the containers/ scripts: their stderr is what they say they are doing (passed on
/// line by line as it comes), their stdout is their answer (an image name).</summary>
static class Shell
{
    /// <returns>The exit code, stdout, and the last lines of stderr (for an error message).</returns>
    public static (int code, string stdout, string said) Run(string program, IReadOnlyList<string> arguments, Action<string> said)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in arguments) info.ArgumentList.Add(a);
        var tail = new Queue<string>();
        try
        {
            using var p = Process.Start(info)!;
            p.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is null) return;
                said(e.Data);
                lock (tail) { tail.Enqueue(e.Data); if (tail.Count > 30) tail.Dequeue(); }
            };
            p.BeginErrorReadLine();
            string stdout = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            lock (tail) return (p.ExitCode, stdout.Trim(), string.Join('\n', tail));
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (127, "", $"{program}: {e.Message}");
        }
    }
}
