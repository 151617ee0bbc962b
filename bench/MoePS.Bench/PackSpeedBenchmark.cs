using System.Diagnostics;
using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;
using MoePS.Engine.Models.Extractors;
using MoePS.Engine.Models.Mixture;
using MoePS.Engine.Models.Mixture.Packing;
using MoePS.Engine.Training;
using static TorchSharp.torch;
using MoePS.Engine.Models.Library;

namespace MoePS.Bench;

/// <summary>
/// Five seeds (the paper's splits 0-4) of TL (from mp_eform) and of MoE-18 on jarvis_2d_gap_tbmbj (84 training
/// structures, one batch per epoch), trained one by one (<see cref="MixtureTraining.Train"/>) and as one pack
/// (<see cref="MixturePack"/>) on the CPU: the wall time of one epoch of all five runs (one by one: the sum of the
/// runs' epoch times), mean of epochs 2 to N, and the whole job including set-up (frozen features; graphs come from a
/// warm cache in both). Each way is timed twice, alternately, and the faster kept, since the machine is shared.
/// Packing must not be slower.
/// </summary>
public sealed class PackSpeedBenchmark : IBenchmark
{
    const string Task = "jarvis_2d_gap_tbmbj";
    static readonly int[] Seeds = { 0, 1, 2, 3, 4 };

    public string Name => "pack.speed";

    public IEnumerable<BenchResult> Run(BenchContext context)
    {
        using var data = new CgcnnBenchData(context, Task);
        var datasets = Seeds.Select(s => data.Dataset.WithSplit(SplitFile.Read(context.PathOf("splits", $"seed{s}.json"), Task))).ToArray();
        GraphBatchBuilder.BuildAll(data.Dataset.Entries.Select(e => e.Crystal).ToList(), GraphSettings.Default, cache: data.Cache);
        var all = PaperExtractors.Names.Select(n => ExtractorLibrary.Load(n)).ToList();
        foreach (var (name, extractors, epochs) in new[] { ("tl", all.Where(e => e.Name == "mp_eform").ToList(), 20), ("moe18", all, 6) })
        {
            using var shape = new MixtureModel(extractors, new MixtureOptions());
            var options = Seeds.Select(s => new TrainingOptions { Epochs = epochs, Patience = epochs, Seed = s }).ToArray();
            var alone = new List<Timing>();
            var packed = new List<Timing>();
            for (int repeat = 0; repeat < 2; repeat++)
            {
                alone.Add(OneByOne(shape, datasets, options, data.Cache));
                packed.Add(Packed(shape, datasets, options, data.Cache));
            }
            var (a, p) = (alone.MinBy(t => t.EpochSeconds)!, packed.MinBy(t => t.EpochSeconds)!);
            string details = $"{Task}, seeds 0-4 (84 train + 18 val each, batch 250), {epochs} epochs, mean of epochs 2-{epochs}, best of 2; " +
                $"one by one {a.EpochSeconds * 1e3:F1} ms/epoch ({a.TotalSeconds:F2} s in all), packed {p.EpochSeconds * 1e3:F1} ms/epoch " +
                $"({p.TotalSeconds:F2} s in all); torch threads {get_num_threads()}, load average {MachineState.LoadAverages()}";
            yield return new BenchResult($"pack.{name}.one_by_one_epoch_ms", a.EpochSeconds * 1e3, "ms", details);
            yield return new BenchResult($"pack.{name}.packed_epoch_ms", p.EpochSeconds * 1e3, "ms", details);
            yield return new BenchResult($"pack.{name}.epoch_speedup", a.EpochSeconds / p.EpochSeconds, "x", details + "; target ≥ 1");
            yield return new BenchResult($"pack.{name}.total_speedup", a.TotalSeconds / p.TotalSeconds, "x", details);
        }
    }

    /// <summary>Wall time of one epoch of all runs, and of the whole job.</summary>
    sealed record Timing(double EpochSeconds, double TotalSeconds);

    static Timing OneByOne(MixtureModel shape, CrystalDataset[] datasets, TrainingOptions[] options, GraphCache cache)
    {
        var clock = Stopwatch.StartNew();
        double epoch = 0;
        for (int r = 0; r < datasets.Length; r++)
        {
            using var trained = MixtureTraining.Train(shape, datasets[r], options[r], CgcnnBenchData.Cpu, cache);
            epoch += trained.Training!.History.Skip(1).Average(h => h.Seconds);
        }
        return new Timing(epoch, clock.Elapsed.TotalSeconds);
    }

    static Timing Packed(MixtureModel shape, CrystalDataset[] datasets, TrainingOptions[] options, GraphCache cache)
    {
        var clock = Stopwatch.StartNew();
        using var pack = MixturePack.Prepare(shape, datasets, options, CgcnnBenchData.Cpu, cache);
        var models = pack.Train();
        // A packed run's epoch record holds its share of the pack's epoch: the shares add up to the pack's epoch.
        double epoch = Enumerable.Range(1, options[0].Epochs - 1).Average(e => models.Sum(m => m.Training!.History[e].Seconds));
        foreach (var m in models) m.Dispose();
        return new Timing(epoch, clock.Elapsed.TotalSeconds);
    }
}
