using System.Globalization;
using MoePS.Engine.Training;

namespace MoePS.Bench;

/// <summary>
/// STL epoch time (training + validation) of a fresh CGCNN on expt_eform (1,196 training + 257 validation
/// structures, batch 250) on the CPU, averaged over epochs 2–6 (epoch 1 includes warm-up). The paper's
/// PyTorch code takes about 44 s per epoch on the 2-core development machine.
/// </summary>
public sealed class CgcnnEpochBenchmark : IBenchmark
{
    const double PaperSecondsPerEpoch = 44;
    const int Epochs = 6;

    public string Name => "cgcnn.stl_epoch";

    public IEnumerable<BenchResult> Run(BenchContext context)
    {
        using var data = new CgcnnBenchData(context, "expt_eform");
        BenchContext.Log($"  {data.Describe()}");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var extractor = data.Train(new TrainingOptions { Epochs = Epochs, Patience = Epochs, BatchSize = 250, Seed = 0 });
        var run = extractor.Training!;
        var timed = run.History.Skip(1).Select(h => h.Seconds).ToArray();
        double mean = timed.Average();
        double setup = watch.Elapsed.TotalSeconds - run.History.Sum(h => h.Seconds);
        string details = $"{data.Describe()}; batch 250; mean of epochs 2–{Epochs} ({string.Join(", ", timed.Select(s => s.ToString("F2", CultureInfo.InvariantCulture)))} s); " +
            $"epoch 1 {run.History[0].Seconds:F2} s; graphs, tensors and final evaluation {setup:F1} s; " +
            $"{PaperSecondsPerEpoch / mean:F1}x faster than the paper code's ~{PaperSecondsPerEpoch} s/epoch (target ≥ 10x)";
        yield return new BenchResult("cgcnn.stl_epoch.seconds", mean, "s/epoch", details);
        yield return new BenchResult("cgcnn.stl_epoch.speedup_vs_paper", PaperSecondsPerEpoch / mean, "x", details);
    }
}
