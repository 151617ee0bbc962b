using System.Globalization;
using MoePS.Engine.Training;

namespace MoePS.Bench;

/// <summary>
/// Resident memory of an STL training run on jarvis_2d_exfoliation (445 training rows, two batches per
/// epoch) at epoch 10 and epoch 200, from /proc/self/status: VmRSS, and the peak so far (VmHWM). One
/// dispose scope per step and a heap trim per epoch (NativeMemory) should keep both flat: target growth &lt; 5 %.
/// </summary>
public sealed class CgcnnMemoryBenchmark : IBenchmark
{
    const int Early = 10, Late = 200;

    public string Name => "cgcnn.rss";

    public IEnumerable<BenchResult> Run(BenchContext context)
    {
        using var data = new CgcnnBenchData(context, "jarvis_2d_exfoliation");
        BenchContext.Log($"  {data.Describe()}");
        var rss = new Dictionary<int, long>();
        var peak = new Dictionary<int, long>();
        var progress = new InlineProgress<EpochReport>(r =>
        {
            if (r.Epoch is not (Early or Late)) return;
            rss[r.Epoch] = StatusKiB("VmRSS");
            peak[r.Epoch] = StatusKiB("VmHWM");
        });
        using var extractor = data.Train(new TrainingOptions { Epochs = Late, Patience = Late, Seed = 0 }, progress);
        var run = extractor.Training!;
        double growth = 100.0 * (rss[Late] - rss[Early]) / rss[Early];
        double peakGrowth = 100.0 * (peak[Late] - peak[Early]) / peak[Early];
        string details = $"{data.Describe()}; VmRSS {rss[Early] / 1024.0:F1} MiB at epoch {Early}, {rss[Late] / 1024.0:F1} MiB at epoch {Late}; " +
            $"peak (VmHWM) {peak[Early] / 1024.0:F1} → {peak[Late] / 1024.0:F1} MiB; {run.EpochsRun} epochs in {run.Elapsed.TotalSeconds:F0} s " +
            $"({run.History.Skip(1).Average(h => h.Seconds):F3} s/epoch); target growth < 5 %";
        yield return new BenchResult($"cgcnn.rss.epoch{Early}", rss[Early] / 1024.0, "MiB", details);
        yield return new BenchResult($"cgcnn.rss.epoch{Late}", rss[Late] / 1024.0, "MiB", details);
        yield return new BenchResult("cgcnn.rss.growth", growth, "%", details);
        yield return new BenchResult("cgcnn.rss.peak_growth", peakGrowth, "%", details);
    }

    /// <summary>A memory line of /proc/self/status (VmRSS, VmHWM) in KiB.</summary>
    static long StatusKiB(string field)
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        throw new InvalidOperationException($"/proc/self/status has no {field} line.");
    }
}
