using System.Diagnostics;

namespace Repro.Cli.Reporting;

/// <summary>
/// Renders Vega-Lite specs to SVG files with the npm tools: vega-lite's vl2vg compiles a spec to
/// Vega, vega-cli's vg2svg renders it (headless, no browser). Figures render in parallel, a
/// process per core.
/// </summary>
static class VegaCli
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    /// <summary>Renders each spec file to its SVG file; vega's warnings go to <paramref name="warn"/>.</summary>
    public static void Render(ReportAssets assets, IReadOnlyList<(string Spec, string Svg)> figures, Action<string> warn)
    {
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.ForEach(figures, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, figure =>
        {
            string vega = Path.ChangeExtension(figure.Svg, ".vg.json");
            try
            {
                Node(assets.Vl2Vg, figure.Spec, vega, warn);
                Node(assets.Vg2Svg, vega, figure.Svg, warn);
            }
            catch (ReportException e)
            {
                failures.Add(e.Message);
            }
            finally
            {
                File.Delete(vega);
            }
        });
        if (!failures.IsEmpty) throw new ReportException(string.Join("; ", failures.Order(StringComparer.Ordinal)));
    }

    static void Node(string script, string input, string output, Action<string> warn)
    {
        var info = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { script, input, output }) info.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new ReportException("could not start node");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new ReportException("repro report renders SVG files with Node.js, and `node` is not on PATH (on Debian: apt-get install nodejs)");
        }
        using (process)
        {
            // Both pipes drained in the background, so that the limit holds even if node hangs.
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(Limit))
            {
                process.Kill(entireProcessTree: true);
                throw new ReportException($"{Path.GetFileName(script)} {input}: no answer within {Limit.TotalSeconds} s");
            }
            string errors = stderr.Result.Trim();
            if (process.ExitCode != 0 || !File.Exists(output))
                throw new ReportException($"{Path.GetFileName(script)} {input} failed (exit {process.ExitCode}): {errors}");
            foreach (string line in errors.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                warn($"{Path.GetFileName(script)} {Path.GetFileName(input)}: {line}");
        }
    }
}
