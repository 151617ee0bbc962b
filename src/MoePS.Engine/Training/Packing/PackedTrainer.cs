using MoePS.Engine.Runtime;

namespace MoePS.Engine.Training.Packing;

/// <summary>
/// Trains several runs of one model shape as one computation: the runs' parameters are stacked run first and updated
/// by one optimiser step (<see cref="StackedAdam"/>), and in each step every run still training adds its own batch's
/// loss to one backward pass. Each run is trained as <see cref="Trainer.Fit"/> would train it alone — its own split,
/// label normaliser, batch plan, learning-rate schedule, early stop and best weights — and its forward and backward
/// passes are its own, unchanged, while the optimiser repeats torch's Adam arithmetic, so the results equal those of
/// running the runs one by one (to the last bit on the tested CPU). A run that stops early is masked: it no longer
/// runs forward or backward and its parameters and Adam moments are left as they are. Unlike a run on its own,
/// a pack draws nothing from torch's global generator (the engine's models draw nothing while training), takes
/// Adam only, and writes no checkpoints.
/// </summary>
public static class PackedTrainer
{
    /// <param name="runs">The runs; their targets must have parameters of the same shapes, on one device.</param>
    /// <param name="runsPerBackward">
    /// How many runs' losses share one backward pass (the rest of a step's runs follow in further passes): more share the
    /// per-pass cost, fewer bound the memory that the pass keeps alive.
    /// </param>
    /// <param name="progress">One report per epoch of the pack: that of the run with the most epochs still to go.</param>
    /// <param name="finished">Called on the training thread as soon as a run's result is final (also when cancelled), with the run's index.</param>
    /// <param name="cancellation">Stops every run still training at the next step; each keeps its best weights so far.</param>
    /// <returns>Each run's result, in the order of <paramref name="runs"/>; each target is left with its best weights, in eval mode.</returns>
    public static IReadOnlyList<TrainingResult> Fit(IReadOnlyList<PackedRun> runs, int runsPerBackward = int.MaxValue,
        IProgress<EpochReport>? progress = null, Action<int, TrainingResult>? finished = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count == 0) throw new ArgumentException("A pack needs at least one run.", nameof(runs));
        ArgumentOutOfRangeException.ThrowIfLessThan(runsPerBackward, 1);
        foreach (var run in runs)
        {
            run.Options.Validate();
            Trainer.CheckSplit(run.Targets, run.Split);
            if (WhyNotPackable(run.Options) is { } why) throw new ArgumentException(why, nameof(runs));
        }
        if (runs.Select(r => r.Target).Distinct().Count() != runs.Count)
            throw new ArgumentException("A pack cannot hold the same target twice.", nameof(runs));
        if (runs.Select(r => r.Target.Device.ToString()).Distinct().Count() > 1)
            throw new ArgumentException("The runs of a pack must be on one device.", nameof(runs));
        if (runs.Select(r => r.Options.WeightDecay).Distinct().Count() > 1)
            throw new ArgumentException("The runs of a pack must have the same weight decay.", nameof(runs));
        TorchRuntime.EnsureLoaded();
        using var training = new PackedTraining(runs, runsPerBackward);
        return training.Execute(progress, finished, cancellation);
    }

    /// <summary>Why a run with these options cannot train in a pack, or null when it can.</summary>
    public static string? WhyNotPackable(TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Optimizer != OptimizerKind.Adam) return $"Packed runs train with Adam only, not {options.Optimizer}.";
        if (options.CheckpointPath != null || options.Resume) return "Packed runs write no checkpoints and cannot resume from one.";
        return null;
    }
}
