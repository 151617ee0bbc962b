namespace MoePS.Bench;

/// <summary>
/// STL epoch time (training + validation) of a fresh CGCNN on expt_eform (1,196 training + 257 validation
/// structures, seed-0 split, batch 250, the paper code's SGD) on the CPU; with --reference, the paper's
/// main_singletask.py loop beside it.
/// </summary>
public sealed class CgcnnEpochBenchmark : IBenchmark
{
    const string Task = "expt_eform";

    public string Name => "cgcnn.stl_epoch";

    public IEnumerable<BenchResult> Run(BenchContext context)
    {
        var timing = context.Timing;
        using var data = new CgcnnBenchData(context, Task);
        BenchContext.Log($"  {data.Describe()}");
        var moeps = EpochSeries.Measure(timing, () => EngineEpochs.Stl(data, timing.Epochs));
        var paper = context.PaperCode is { } code ? EpochSeries.Measure(timing, () => code.Epochs("stl", Task, timing.Epochs)) : null;
        return SpeedComparison.Results(Name, $"STL, {data.Describe()}; batch 250, SGD lr 0.02", moeps, paper);
    }
}
