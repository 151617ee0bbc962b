using System.Globalization;

namespace MoePS.Bench;

/// <summary>
/// The timed epochs of one side of a comparison (MoePS's engine, its cmdlets, or the paper's code): epochs 2 to N of
/// each of several fresh runs, with the machine's load when the runs started and ended.
/// </summary>
public sealed class EpochSeries
{
    EpochSeries(IReadOnlyList<EpochSample> epochs, int runs, string loadAtStart, string loadAtEnd)
    {
        if (epochs.Count == 0) throw new InvalidOperationException("No epoch was timed after the first.");
        Epochs = epochs;
        Runs = runs;
        LoadAtStart = loadAtStart;
        LoadAtEnd = loadAtEnd;
    }

    public IReadOnlyList<EpochSample> Epochs { get; }
    public int Runs { get; }
    public string LoadAtStart { get; }
    public string LoadAtEnd { get; }

    public double Median => Medians.Of(Epochs.Select(e => e.Seconds));
    public double Min => Epochs.Min(e => e.Seconds);
    public double Max => Epochs.Max(e => e.Seconds);
    public double MedianMinorFaults => Medians.Of(Epochs.Select(e => (double)e.Faults.Minor));
    public double MedianMajorFaults => Medians.Of(Epochs.Select(e => (double)e.Faults.Major));

    /// <summary>
    /// Epochs that touched under 4 MiB of memory new to them (<see cref="QuietFaults"/>), and their max/min: the spread
    /// that is not page faults. On a virtual machine a page the host has not backed costs ~30 us to fault in against ~1 us
    /// for one the kernel just got back (bench machine.first_touch), so an epoch that grows the heap can take a second more.
    /// </summary>
    public IReadOnlyList<EpochSample> Quiet => Epochs.Where(e => e.Faults.Minor < QuietFaults).ToList();
    public const int QuietFaults = 1024;
    public double MaxOverMin => Max / Min;
    public double QuietMaxOverMin => Quiet.Count == 0 ? double.NaN : Quiet.Max(e => e.Seconds) / Quiet.Min(e => e.Seconds);

    /// <summary>Runs <paramref name="run"/> (one fresh training, all its epochs) <see cref="EpochTiming.Repeats"/> times and keeps epochs 2 to N of each.</summary>
    public static EpochSeries Measure(EpochTiming timing, Func<IReadOnlyList<EpochSample>> run)
    {
        string loadAtStart = MachineState.LoadAverages();
        var timed = new List<EpochSample>();
        for (int r = 0; r < timing.Repeats; r++) timed.AddRange(run().Skip(1));
        return new EpochSeries(timed, timing.Repeats, loadAtStart, MachineState.LoadAverages());
    }

    /// <summary>Median, range, page faults and load in words, for a result's details.</summary>
    public string Describe()
    {
        string trims = Epochs.Any(e => e.HeapTrims > 0) ? $"heap trims at their ends [{string.Join(", ", Epochs.Select(e => e.HeapTrims))}]" : "no heap trim";
        return string.Create(CultureInfo.InvariantCulture,
            $"median {Median:F3} s, min-max {Min:F3}-{Max:F3} s (max/min {MaxOverMin:F2}; {QuietMaxOverMin:F2} over the {Quiet.Count} epochs with under {QuietFaults} minor faults) " +
            $"over {Epochs.Count} epochs ({Runs} run(s), epoch 1 of each left out); " +
            $"page faults per epoch (median): {MedianMinorFaults:F0} minor, {MedianMajorFaults:F0} major; " +
            $"load average at start {LoadAtStart}, at end {LoadAtEnd}; epochs [{string.Join(", ", Epochs.Select(e => e.Seconds.ToString("F3", CultureInfo.InvariantCulture)))}] s; " +
            $"their minor faults [{string.Join(", ", Epochs.Select(e => e.Faults.Minor))}]; {trims}{DescribeThreads()}");
    }

    /// <summary>The epochs' thread time, where every epoch has it (timed in this process, whose compilation the details name).</summary>
    public IReadOnlyList<ThreadUse>? Threads => Epochs.All(e => e.Threads is not null) ? Epochs.Select(e => e.Threads!).ToList() : null;

    string DescribeThreads() => Threads is { } threads ? $"; {ThreadUse.Describe(threads)}" : "";

    /// <summary>The machine-readable numbers, named <paramref name="prefix"/>.*; <paramref name="details"/> says what was timed.</summary>
    public IEnumerable<BenchResult> Results(string prefix, string details)
    {
        string all = $"{details}; {Describe()}";
        yield return new BenchResult($"{prefix}.epoch_seconds", Median, "s/epoch", all);
        yield return new BenchResult($"{prefix}.epoch_seconds_min", Min, "s/epoch", all);
        yield return new BenchResult($"{prefix}.epoch_seconds_max", Max, "s/epoch", all);
        yield return new BenchResult($"{prefix}.minor_faults_per_epoch", MedianMinorFaults, "faults", all);
        yield return new BenchResult($"{prefix}.major_faults_per_epoch", MedianMajorFaults, "faults", all);
        yield return new BenchResult($"{prefix}.max_over_min", MaxOverMin, "ratio", all);
        yield return new BenchResult($"{prefix}.quiet_max_over_min", QuietMaxOverMin, "ratio", all);
        if (Threads is { } threads)
        {
            var cpu = threads.Select(t => t.ComputeCpu).ToList();
            yield return new BenchResult($"{prefix}.compute_cpu_seconds", Medians.Of(cpu), "s/epoch", all);
            yield return new BenchResult($"{prefix}.compute_cpu_max_over_min", cpu.Max() / cpu.Min(), "ratio", all);
            yield return new BenchResult($"{prefix}.run_queue_wait_seconds", Medians.Of(threads.Select(t => t.ComputeWait)), "s/epoch", all);
            yield return new BenchResult($"{prefix}.runtime_threads_cpu_seconds", Medians.Of(threads.Select(t => t.RuntimeCpu)), "s/epoch", all);
        }
        yield return new BenchResult($"{prefix}.load_at_start", LoadOf(LoadAtStart), "load", $"1-minute load average; all three: {LoadAtStart}");
        yield return new BenchResult($"{prefix}.load_at_end", LoadOf(LoadAtEnd), "load", $"1-minute load average; all three: {LoadAtEnd}");
    }

    static double LoadOf(string averages) =>
        double.TryParse(averages.Split(' ')[0], CultureInfo.InvariantCulture, out double load) ? load : double.NaN;
}
