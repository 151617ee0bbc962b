using System.Globalization;

namespace MoePS.Bench;

/// <summary>What the machine and this process are doing, read from /proc: the load (other processes share the machine) and page faults.</summary>
internal static class MachineState
{
    /// <summary>The 1-, 5- and 15-minute load averages, from /proc/loadavg.</summary>
    public static string LoadAverages() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]) : "unknown";

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
