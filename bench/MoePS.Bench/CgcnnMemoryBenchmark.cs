using System.Globalization;
using MoePS.Engine.Training;

namespace MoePS.Bench;

/// <summary>
/// Resident memory of an STL training run on jarvis_2d_exfoliation (445 training rows, two batches per
/// epoch), from /proc/self/status after every epoch: VmRSS, and the peak so far (VmHWM). The heap is trimmed
/// when it has grown by a tenth (NativeMemory), so the after-epoch VmRSS is a saw-tooth; flat means its highest
/// value over epochs 150–200 is no higher than over epochs 10–50: target growth &lt; 5 %.
/// </summary>
public sealed class CgcnnMemoryBenchmark : IBenchmark
{
    const int Early = 10, EarlyEnd = 50, LateStart = 150, Late = 200;

    public string Name => "cgcnn.rss";

    public IEnumerable<BenchResult> Run(BenchContext context)
    {
        using var data = new CgcnnBenchData(context, "jarvis_2d_exfoliation");
        BenchContext.Log($"  {data.Describe()}");
        var rss = new Dictionary<int, long>();
        var peak = new Dictionary<int, long>();
        var progress = new InlineProgress<EpochReport>(r =>
        {
            if (r.Epoch < Early) return;
            rss[r.Epoch] = StatusKiB("VmRSS");
            peak[r.Epoch] = StatusKiB("VmHWM");
        });
        using var extractor = data.Train(new TrainingOptions { Epochs = Late, Patience = Late, Seed = 0 }, progress);
        var run = extractor.Training!;
        long early = HighestBetween(rss, Early, EarlyEnd), late = HighestBetween(rss, LateStart, Late);
        double growth = 100.0 * (late - early) / early;
        double peakGrowth = 100.0 * (peak[Late] - peak[Early]) / peak[Early];
        string details = $"{data.Describe()}; highest after-epoch VmRSS {early / 1024.0:F1} MiB over epochs {Early}-{EarlyEnd}, " +
            $"{late / 1024.0:F1} MiB over epochs {LateStart}-{Late}; " +
            $"peak (VmHWM) {peak[Early] / 1024.0:F1} → {peak[Late] / 1024.0:F1} MiB; {run.EpochsRun} epochs in {run.Elapsed.TotalSeconds:F0} s " +
            $"({run.History.Skip(1).Average(h => h.Seconds):F3} s/epoch); target growth < 5 %";
        yield return new BenchResult($"cgcnn.rss.epochs{Early}to{EarlyEnd}", early / 1024.0, "MiB", details);
        yield return new BenchResult($"cgcnn.rss.epochs{LateStart}to{Late}", late / 1024.0, "MiB", details);
        yield return new BenchResult("cgcnn.rss.growth", growth, "%", details);
        yield return new BenchResult("cgcnn.rss.peak_growth", peakGrowth, "%", details);
    }

    static long HighestBetween(Dictionary<int, long> byEpoch, int from, int to) =>
        byEpoch.Where(e => e.Key >= from && e.Key <= to).Max(e => e.Value);

    /// <summary>
    /// Resets this process's peak resident memory (VmHWM) to its current resident memory (Linux: 5 written to
    /// /proc/self/clear_refs); false where that cannot be done, and VmHWM stays the peak of the whole process.
    /// </summary>
    internal static bool ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>A memory line of /proc/self/status (VmRSS, VmHWM) in KiB.</summary>
    internal static long StatusKiB(string field)
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        throw new InvalidOperationException($"/proc/self/status has no {field} line.");
    }
}
