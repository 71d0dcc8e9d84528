using System.Diagnostics;

namespace Repro.Cli.Tests;

/// <summary>
/// Debian's Chromium, headless, on a local page: the DOM after the page's scripts ran
/// (--dump-dom), a screenshot, and the page's console messages (Chromium logs every console
/// message and uncaught error to stderr as `INFO:CONSOLE`, whatever its level). The flags keep it
/// off the network, which this machine does not have.
/// </summary>
static class HeadlessChromium
{
    public const string Executable = "/usr/bin/chromium";

    public sealed record Page(string Output, IReadOnlyList<string> Console);

    public static Page DumpDom(string file) => Run(file, "--dump-dom");

    public static Page Screenshot(string file, string png, int width, int height) =>
        Run(file, $"--screenshot={png}", $"--window-size={width},{height}");

    static Page Run(string file, params string[] what)
    {
        using var profile = new TempDirectory();
        var info = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[]
                 {
                     "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", $"--user-data-dir={profile.Path}",
                     "--virtual-time-budget=20000", "--enable-logging=stderr", "--v=0",
                 }.Concat(what).Append(new Uri(file).AbsoluteUri))
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"chromium did not finish with {file} in 2 minutes");
        }
        var console = stderr.Result.Split('\n').Where(l => l.Contains(":CONSOLE", StringComparison.Ordinal)).ToList();
        return new Page(output, console);
    }
}
