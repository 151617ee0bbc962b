using System.Globalization;

namespace MoePS.Bench;

/// <summary>What the machine and this process are doing, read from /proc: the load (other processes share the machine) and page faults.</summary>
internal static class MachineState
{
    /// <summary>The 1-, 5- and 15-minute load averages, from /proc/loadavg.</summary>
    public static string LoadAverages() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]) : "unknown";

    /// <summary>
    /// Whether .NET recompiles hot methods on a background thread while this process runs (tiered compilation, the
    /// default, and how pwsh runs the module) or compiles each fully at its first call (DOTNET_TieredCompilation=0,
    /// ./build.ps1 Bench -NoTieredCompilation). On 2 cores that background thread takes a core from a timed epoch.
    /// </summary>
    public static string TieredCompilation()
    {
        string? variable = Environment.GetEnvironmentVariable("DOTNET_TieredCompilation") ?? Environment.GetEnvironmentVariable("COMPlus_TieredCompilation");
        bool on = variable is null ? AppContext.GetData("System.Runtime.TieredCompilation") is not (false or "false") : variable != "0";
        return on ? ".NET tiered compilation on" : ".NET tiered compilation off";
    }

    /// <summary>This process's page faults so far (all threads): fields 10 (minflt) and 12 (majflt) of /proc/self/stat.</summary>
    public static PageFaults Faults()
    {
        if (!File.Exists("/proc/self/stat")) return default;
        // The command name (field 2) may hold spaces; the fields after its closing parenthesis start at field 3.
        string stat = File.ReadAllText("/proc/self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return new PageFaults(long.Parse(fields[7], CultureInfo.InvariantCulture), long.Parse(fields[9], CultureInfo.InvariantCulture));
    }
}

/// <summary>Minor (no disk) and major (read from disk) page faults.</summary>
public readonly record struct PageFaults(long Minor, long Major)
{
    public static PageFaults operator -(PageFaults a, PageFaults b) => new(a.Minor - b.Minor, a.Major - b.Major);
}
