using System.Globalization;
using System.Runtime;

namespace MoePS.Bench;

/// <summary>
/// A snapshot of where this process's threads spent their time: per thread, nanoseconds on a CPU and nanoseconds ready
/// but waiting for one (the kernel's /proc/self/task/*/schedstat), .NET's JIT compilation and GC pause time so far, and
/// the whole machine's busy CPU time (/proc/stat). Two snapshots around an epoch tell whether a slow one did more work on
/// the CPU, waited for a CPU, ran .NET's own threads beside the computation, or shared the cores with other processes
/// (the kernel's own threads included: this virtual machine runs DAMON's kdamond, which samples and pages out memory).
/// </summary>
internal sealed class ThreadTimes
{
    // .NET names its threads ".NET …"; its thread pool's workers run the engine's parallel kernels (the fused message
    // step), so they count as computing threads, the others (JIT, GC, finalizer, timers) as the runtime's.
    const string RuntimeThreadPrefix = ".NET ", ThreadPoolWorker = ".NET TP Worker";
    const double SecondsPerTick = 0.01; // USER_HZ, the unit of /proc/stat on Linux

    readonly Dictionary<int, (string Name, long RunNs, long WaitNs)> threads;
    readonly TimeSpan jit, gcPause;
    readonly long jitMethods;
    readonly double machineBusy;

    ThreadTimes(Dictionary<int, (string, long, long)> threads, TimeSpan jit, long jitMethods, TimeSpan gcPause, double machineBusy) =>
        (this.threads, this.jit, this.jitMethods, this.gcPause, this.machineBusy) = (threads, jit, jitMethods, gcPause, machineBusy);

    /// <summary>Now; empty (no thread) where /proc/self/task has no schedstat.</summary>
    public static ThreadTimes Now()
    {
        var threads = new Dictionary<int, (string, long, long)>();
        if (Directory.Exists("/proc/self/task"))
            foreach (string folder in Directory.EnumerateDirectories("/proc/self/task"))
            {
                try
                {
                    var fields = File.ReadAllText(Path.Combine(folder, "schedstat")).Split(' ');
                    threads[int.Parse(Path.GetFileName(folder), CultureInfo.InvariantCulture)] = (File.ReadAllText(Path.Combine(folder, "comm")).TrimEnd('\n'),
                        long.Parse(fields[0], CultureInfo.InvariantCulture), long.Parse(fields[1], CultureInfo.InvariantCulture));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // the thread ended meanwhile
            }
        return new ThreadTimes(threads, JitInfo.GetCompilationTime(), JitInfo.GetCompiledMethodCount(), GC.GetTotalPauseDuration(), MachineBusySeconds());
    }

    /// <summary>Every CPU's busy time since boot (user, nice, system, irq, softirq, steal), from /proc/stat's first line; NaN without it.</summary>
    static double MachineBusySeconds()
    {
        if (!File.Exists("/proc/stat")) return double.NaN;
        var ticks = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]
            .Select(t => long.Parse(t, CultureInfo.InvariantCulture)).ToArray();
        long idle = ticks[3] + ticks[4], guest = ticks.Length > 9 ? ticks[8] + ticks[9] : 0; // guest time is counted in user and nice too
        return (ticks[..Math.Min(ticks.Length, 8)].Sum() - idle - guest) * SecondsPerTick;
    }

    /// <summary>What happened since <paramref name="earlier"/>; a thread started since then counts from its start.</summary>
    public ThreadUse Since(ThreadTimes earlier)
    {
        double computeCpu = 0, computeWait = 0, runtimeCpu = 0, busiest = 0, own = 0;
        string busiestName = "none";
        foreach (var (id, now) in threads)
        {
            var (_, runBefore, waitBefore) = earlier.threads.TryGetValue(id, out var b) ? b : (now.Name, 0L, 0L);
            double run = (now.RunNs - runBefore) * 1e-9, wait = (now.WaitNs - waitBefore) * 1e-9;
            own += run;
            if (now.Name.StartsWith(RuntimeThreadPrefix, StringComparison.Ordinal) && now.Name != ThreadPoolWorker)
            {
                runtimeCpu += run;
                if (run > busiest) (busiest, busiestName) = (run, now.Name);
            }
            else (computeCpu, computeWait) = (computeCpu + run, computeWait + wait);
        }
        return new ThreadUse(computeCpu, computeWait, runtimeCpu, busiestName, (jit - earlier.jit).TotalSeconds, jitMethods - earlier.jitMethods, (gcPause - earlier.gcPause).TotalSeconds,
            Math.Max(machineBusy - earlier.machineBusy - own, 0));
    }
}

/// <summary>
/// Thread time during one epoch or timing, in seconds: on a CPU and waiting for one, summed over the computing threads
/// (the training thread, libtorch's workers and .NET's thread-pool workers, which run the fused kernels); on a CPU for
/// .NET's own threads (JIT, GC, finalizer, timers), the busiest of them by name; .NET's JIT compilation time and methods
/// compiled, and GC pauses; and the CPU time of everything else on the machine (its busy time less this process's, to
/// /proc/stat's 10 ms ticks; 0 when the ticks fall short of this process's exact time).
/// </summary>
public sealed record ThreadUse(double ComputeCpu, double ComputeWait, double RuntimeCpu, string BusiestRuntimeThread, double Jit, long JitMethods, double GcPause, double OtherProcessesCpu)
{
    /// <summary>A series of them in words, one list per measure, with this process's compilation mode, for a result's details.</summary>
    public static string Describe(IReadOnlyList<ThreadUse> uses)
    {
        string Seconds(Func<ThreadUse, double> of) => string.Join(", ", uses.Select(u => of(u).ToString("F3", CultureInfo.InvariantCulture)));
        return $"{MachineState.TieredCompilation()}; computing threads' seconds on a CPU [{Seconds(u => u.ComputeCpu)}], waiting for one [{Seconds(u => u.ComputeWait)}]; " +
            $".NET's own threads on a CPU [{Seconds(u => u.RuntimeCpu)}] s (busiest [{string.Join(", ", uses.Select(u => u.BusiestRuntimeThread))}]); " +
            $"JIT compilation [{Seconds(u => u.Jit)}] s of [{string.Join(", ", uses.Select(u => u.JitMethods))}] methods; GC pauses [{Seconds(u => u.GcPause)}] s; other processes on a CPU [{Seconds(u => u.OtherProcessesCpu)}] s";
    }
}
