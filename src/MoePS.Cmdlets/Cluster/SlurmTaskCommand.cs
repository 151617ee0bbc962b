using System.Management.Automation;

namespace MoePS.Cmdlets.Cluster;

/// <summary>
/// The command an array task runs: this very PowerShell (the same executable, or dotnet with the
/// same pwsh.dll when PowerShell runs as a .NET tool), importing this very module, calling an
/// engine entry point with the job's spec. Cluster nodes must see this installation at the same path.
/// </summary>
internal static class SlurmTaskCommand
{
    /// <param name="entry">An engine type with <c>static int Run(string specPath)</c>.</param>
    /// <param name="specPath">The spec the task reads.</param>
    public static IReadOnlyList<string> For(Type entry, string specPath)
    {
        var command = new List<string>(Pwsh())
        {
            "-NoProfile", "-NonInteractive", "-Command",
            $"Import-Module {Quote(ModuleManifest())}; exit [{entry.FullName}]::Run({Quote(specPath)})",
        };
        return command;
    }

    static string[] Pwsh()
    {
        string process = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this PowerShell process is unknown.");
        if (Path.GetFileNameWithoutExtension(process) != "dotnet") return new[] { process };
        string psHome = Path.GetDirectoryName(typeof(PSObject).Assembly.Location)!;
        return new[] { process, Path.Combine(psHome, "pwsh.dll") };
    }

    static string ModuleManifest()
    {
        string folder = Path.GetDirectoryName(typeof(SlurmTaskCommand).Assembly.Location)!;
        string manifest = Path.Combine(folder, "MoePS.psd1");
        return File.Exists(manifest) ? manifest : typeof(SlurmTaskCommand).Assembly.Location;
    }

    /// <summary>A PowerShell single-quoted string.</summary>
    static string Quote(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
}
