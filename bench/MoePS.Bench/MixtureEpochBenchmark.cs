using MoePS.Engine.Models.Extractors;
using MoePS.Engine.Models.Library;

namespace MoePS.Bench;

/// <summary>
/// Epoch time (training + validation) of a mixture of the paper's extractors (or TL: one extractor) on a paper task,
/// seed-0 split, batch 250, on the CPU; with --reference, the paper's main.py loop with the same shape beside it.
/// </summary>
public abstract class MixtureEpochBenchmark(string name, string task, int? topK, bool transfer = false) : IBenchmark
{
    const string TransferFrom = "mp_eform";

    public string Name => name;

    public IEnumerable<BenchResult> Run(BenchContext context)
    {
        var timing = context.Timing;
        using var data = new CgcnnBenchData(context, task);
        IReadOnlyList<string> names = transfer ? new[] { TransferFrom } : PaperExtractors.Names;
        var extractors = names.Select(n => ExtractorLibrary.Load(n)).ToList();
        string shape = transfer ? $"TL from {TransferFrom}" : EngineEpochs.DescribeMixture(topK, extractors.Count);
        BenchContext.Log($"  {shape}; {data.Describe()}");
        var moeps = EpochSeries.Measure(timing, () => EngineEpochs.Mixture(extractors, topK, data.Dataset, data.Cache, timing.Epochs));
        var paper = context.PaperCode is { } code
            ? EpochSeries.Measure(timing, () => code.Epochs(transfer ? "tl" : "moe", task, timing.Epochs, transfer ? null : topK ?? extractors.Count))
            : null;
        return SpeedComparison.Results(Name, $"{shape}, {data.Describe()}; batch 250, Adam", moeps, paper);
    }
}

/// <summary>MoE-18 (all 18 extractors active) on jarvis_2d_exfoliation (445 train + 95 validation structures).</summary>
public sealed class MoE18EpochBenchmark() : MixtureEpochBenchmark("moe.k18", "jarvis_2d_exfoliation", topK: null);

/// <summary>MoE with the top 2 of the 18 extractors active (the paper code's default k) on jarvis_2d_exfoliation.</summary>
public sealed class MoE2EpochBenchmark() : MixtureEpochBenchmark("moe.k2", "jarvis_2d_exfoliation", topK: 2);

/// <summary>MoE with the top 4 of the 18 extractors active (the demo's setting) on expt_eform (1,196 + 257 structures).</summary>
public sealed class MoE4EpochBenchmark() : MixtureEpochBenchmark("moe.k4", "expt_eform", topK: 4);

/// <summary>TL: a head on the mp_eform extractor, its last convolution fine-tuned, on jarvis_2d_exfoliation.</summary>
public sealed class TransferEpochBenchmark() : MixtureEpochBenchmark("moe.tl", "jarvis_2d_exfoliation", topK: null, transfer: true);
