using System.Diagnostics;
using System.Globalization;
using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;
using MoePS.Engine.Models;
using MoePS.Engine.Models.Extractors;
using MoePS.Engine.Models.Mixture;
using MoePS.Engine.Training;
using MoePS.Engine.Models.Library;

namespace MoePS.DeviceCheck.Steps;

/// <summary>
/// The speed benchmarks of issue 12 on the device: STL epoch on expt_eform, MoE epoch on jarvis_2d_exfoliation with
/// k = all and k = 2 (train + validation, mean of the epochs after the first), inference throughput of mp_eform on
/// expt_eform, and the graph-to-tensor transfer. Smoke scale runs the same code on the smallest task, two epochs.
/// GPU memory is sampled by run-device-check.sh (nvidia-smi): TorchSharp 0.107 exposes no CUDA memory statistics.
/// </summary>
public sealed class SpeedStep : ICheckStep
{
    const int Repeats = 3;

    public string Name => "speed";

    public StepOutcome Run(CheckContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        bool full = context.Scale == CheckScale.Full;
        int epochs = full ? 6 : 2;
        var items = new CheckItems(context);
        var stlTask = context.LoadTask(full ? "expt_eform" : CheckContext.SmallTask);
        var moeTask = full ? context.LoadTask("jarvis_2d_exfoliation") : stlTask;

        items.Run($"stl_epoch {stlTask.Name}", () =>
        {
            using var model = ExtractorPretraining.Train(stlTask, Options(epochs, 250), device: context.Device,
                elements: context.Elements, graphCache: context.GraphCache);
            return EpochTimes(model.Training!);
        });
        var extractors = context.ExtractorNames.Select(n => ExtractorLibrary.Load(n)).ToList();
        foreach (int k in new[] { extractors.Count, 2 })
            items.Run($"moe_epoch {moeTask.Name} k={k} of {extractors.Count}", () =>
            {
                using var untrained = new MixtureModel(extractors, new MixtureOptions { TopK = k });
                using var trained = MixtureTraining.Train(untrained, moeTask, Options(full ? 8 : 2, 250), context.Device, context.GraphCache);
                return EpochTimes(trained.Training!);
            });
        foreach (var e in extractors) e.Dispose();

        var crystals = stlTask.Entries.Select(e => e.Crystal).ToList();
        var ids = crystals.Select(c => c.Id).ToList();
        var graphs = GraphBatchBuilder.BuildAll(crystals, GraphSettings.Default, cache: context.GraphCache);
        using var mpEform = ExtractorLibrary.Load("mp_eform");
        items.Run($"inference mp_eform on {stlTask.Name}", () =>
        {
            mpEform.Predict(graphs.Take(16).ToList(), ids.Take(16).ToList(), context.Device); // warm-up
            double seconds = BestOf(context, () => mpEform.Predict(graphs, ids, context.Device));
            return (true, Invariant($"{crystals.Count / seconds:F0} structures/s ({crystals.Count} structures, graphs ready: tensors + forward in {seconds * 1e3:F1} ms, best of {Repeats})"));
        });
        items.Run($"graph_to_tensor {stlTask.Name}", () =>
        {
            long bytes = 0;
            double seconds = BestOf(context, () =>
            {
                using var set = GraphTensorSet.FromGraphs(graphs, ids, GraphSettings.Default, context.Elements, context.Device.ToTorch());
                bytes = set.AtomFeatures.NumberOfElements * set.AtomFeatures.ElementSize + set.EdgeFeatures.NumberOfElements * set.EdgeFeatures.ElementSize
                    + set.NeighbourIndex.NumberOfElements * set.NeighbourIndex.ElementSize;
            });
            return (true, Invariant($"{bytes / seconds / 1e9:F2} GB/s: {bytes / 1e6:F1} MB of atom, edge and index tensors for {crystals.Count} structures in {seconds * 1e3:F1} ms (best of {Repeats}, from graphs in memory)"));
        });
        return new StepOutcome(items.AllPassed, new { device = context.Device.Description, checks = items.Items });
    }

    static TrainingOptions Options(int epochs, int batch) => new() { Epochs = epochs, Patience = epochs, BatchSize = batch, Seed = 0 };

    /// <summary>Passes when every epoch's MAE is finite; the detail is the mean epoch time after the first (which includes warm-up).</summary>
    static (bool, string) EpochTimes(TrainingResult run)
    {
        var later = run.History.Skip(1).Select(h => h.Seconds).ToArray();
        bool finite = run.History.All(h => double.IsFinite(h.TrainMae) && double.IsFinite(h.ValidationMae));
        string each = string.Join(", ", later.Select(s => (s * 1e3).ToString("F1", CultureInfo.InvariantCulture)));
        return (finite, Invariant($"{later.Average() * 1e3:F1} ms/epoch (mean of epochs 2-{run.EpochsRun}: {each} ms); epoch 1 {run.History[0].Seconds * 1e3:F1} ms; {run.Device}; val MAE {run.ValidationMae:G4}"));
    }

    static double BestOf(CheckContext context, Action action)
    {
        double best = double.MaxValue;
        for (int r = 0; r < Repeats; r++)
        {
            var clock = Stopwatch.StartNew();
            action();
            context.Synchronize();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return best;
    }

    static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
