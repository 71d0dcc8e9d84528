using System.CommandLine;
using Repro.Data;

namespace Repro.Cli;

/// <summary>`repro data fetch &lt;name&gt;`: gets the real data that Debian packages ship (DATA.md)
/// into REPRO_CACHE, or installs it, and says what it did.</summary>
public static class DataCommand
{
    public static Command Create(CliContext context)
    {
        var name = new Argument<string>("name") { Description = $"one of: {string.Join(", ", PackageData.Names)}" };
        name.AcceptOnlyFromAmong([.. PackageData.Names]);
        var fetch = new Command("fetch", "Fetch a dataset that a Debian package ships (apt-get as root; otherwise prints the commands).") { name };
        fetch.SetAction(result => Fetch(result.GetValue(name)!, context.Out, context.Error));
        return new Command("data", "Datasets: fetch the ones packages ship.") { fetch };
    }

    public static int Fetch(string name, TextWriter output, TextWriter errors)
    {
        try
        {
            string folder = PackageData.Fetch(name, errors.WriteLine);
            output.WriteLine($"{name}: {folder}");
            return 0;
        }
        catch (InvalidOperationException e)
        {
            errors.WriteLine($"repro data fetch {name}: {e.Message}");
            return 1;
        }
    }
}
