using System.Diagnostics;
using System.Globalization;

namespace MoePS.Engine.Benchmarks;

/// <summary>Who claimed a run: host, process (id and start time) and a token that tells one claim from another.</summary>
public sealed record ClaimOwner(string Host, int Pid, DateTimeOffset ProcessStart, string Token)
{
    /// <summary>The run claimed (its key), for people reading the file.</summary>
    public string? Run { get; init; }
    public DateTimeOffset Claimed { get; init; }

    internal static ClaimOwner OfThisProcess()
    {
        using var me = Process.GetCurrentProcess();
        return new ClaimOwner(Environment.MachineName, me.Id, me.StartTime.ToUniversalTime(), "");
    }

    /// <summary>Whether process <paramref name="pid"/> runs on this host and started at <paramref name="start"/> (not a reused id).</summary>
    internal static bool IsRunning(int pid, DateTimeOffset start)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            if (process.HasExited) return false;
            return (process.StartTime.ToUniversalTime() - start.UtcDateTime).Duration() < TimeSpan.FromSeconds(2);
        }
        catch (ArgumentException)
        {
            return false; // no such process
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return true; // can't tell: assume it lives
        }
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"process {Pid} on {Host} since {Claimed.ToLocalTime():yyyy-MM-dd HH:mm:ss}");
}
