using System.Diagnostics;
using MoePS.Engine.Crystals;
using MoePS.Engine.Models;
using MoePS.Engine.Models.Mixture;
using MoePS.Engine.Models.Mixture.Packing;
using MoePS.Engine.Training;

namespace MoePS.Engine.Benchmarks;

/// <summary>
/// The benchmark trainer's packs: the seeds of a TL or mixture method on a task trained together (<see cref="MixturePack"/>),
/// each with the result it would have trained alone. A packed run's <see cref="BenchmarkResult.Seconds"/> is its share of
/// the pack's wall time: the set-up (graphs, frozen features) split evenly, and each epoch split among the runs that
/// trained in it. STL runs train alone.
/// </summary>
public sealed partial class BenchmarkTrainer
{
    public bool CanPack(PlannedRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run.Method == LearningMethod.STL) return false;
        var (names, mixture) = MixtureShape(run);
        return MixturePack.WhyNotPackable(mixture, names.Count) == null;
    }

    public void ExecutePack(IReadOnlyList<PlannedRun> runs, Action<PlannedRun, BenchmarkResult> finished, Action<PlannedRun, Exception> failed,
        IProgress<EpochReport>? progress, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(finished);
        ArgumentNullException.ThrowIfNull(failed);
        var clock = Stopwatch.StartNew();
        var ready = new List<(PlannedRun Run, CrystalDataset Dataset)>();
        foreach (var run in runs)
        {
            try { ready.Add((run, Load(run, cancellation))); }
            catch (Exception e) when (!cancellation.IsCancellationRequested) { failed(run, e); }
        }
        if (ready.Count == 0) return;

        var (names, mixture) = MixtureShape(ready[0].Run);
        using var untrained = new MixtureModel(extractors.Get(names), mixture);
        using var pack = MixturePack.Prepare(untrained, ready.Select(r => r.Dataset).ToList(), ready.Select(r => Options(r.Run)).ToList(),
            device, graphCache, cancellation);
        var setupShare = clock.Elapsed / ready.Count;
        var models = pack.Train(progress, (i, model) =>
        {
            if (model.Training!.Cancelled) return; // a run cut short is not a result
            var (run, dataset) = ready[i];
            finished(run, MixtureResult(run, dataset, model, names, setupShare + model.Training.Elapsed, cancellation));
        }, cancellation);
        foreach (var model in models) model.Dispose();
        cancellation.ThrowIfCancellationRequested();
    }
}
