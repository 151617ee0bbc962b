using System.Diagnostics;
using MoePS.Engine.Crystals;
using MoePS.Engine.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MoePS.Engine.Training;

/// <summary>One call of <see cref="Trainer.Fit"/>: owns the optimiser, and the run's <see cref="RunLedger"/>.</summary>
internal sealed class TrainingRun : IDisposable
{
    readonly ITrainingTarget target;
    readonly TrainingOptions options;
    readonly OptimizerHelper optimizer;
    readonly RunLedger ledger;
    readonly IReadOnlyList<double> targets;
    readonly IReadOnlyList<Crystal>? structures;

    public TrainingRun(ITrainingTarget target, IReadOnlyList<double> targets, IReadOnlyList<Crystal>? structures, DatasetSplit split,
        TrainingOptions options, Normaliser normaliser)
    {
        this.target = target;
        this.options = options;
        this.targets = targets;
        this.structures = structures;
        var groups = target.ParameterGroups(options.LearningRate);
        optimizer = OptimizerFactory.Create(groups, options);
        ledger = new RunLedger(targets, split, options, normaliser, groups.Select(g => g.LearningRate).ToArray());
    }

    public TrainingResult Execute(IProgress<EpochReport>? progress, CancellationToken cancellation)
    {
        var state = ledger.State;
        int? resumedFrom = null;
        var identity = RunIdentity.Of(target, options, ledger.BaseRates, ledger.Split, ledger.Normaliser, targets, structures);
        if (options.Resume && File.Exists(options.CheckpointPath))
        {
            TrainingCheckpoint.Load(options.CheckpointPath!, identity, state, target, optimizer);
            resumedFrom = state.Epoch;
        }

        var clock = Stopwatch.StartNew();
        int epochsThisSession = 0;
        bool cancelled = false;
        while (!ledger.Finished)
        {
            var epochClock = Stopwatch.StartNew();
            double[] rates = ledger.CurrentRates();
            OptimizerFactory.SetRates(optimizer, rates);
            manual_seed(SplitMix64.TorchSeed(options.Seed, state.Epoch + 1));
            if (!TrainEpoch(ledger.StartEpoch(), cancellation))
            {
                cancelled = true;
                break;
            }
            double validationMae = ledger.MaeOf(target, ledger.Split.Validation);
            NativeMemory.ReleaseIfGrown(); // keeps resident memory flat across epochs; see NativeMemory

            epochsThisSession++;
            var record = ledger.EndEpoch(target, validationMae, rates[0], epochClock.Elapsed.TotalSeconds);
            var elapsed = state.ElapsedBefore + clock.Elapsed;
            if (options.CheckpointPath != null && (state.Epoch % options.CheckpointEvery == 0 || ledger.Finished))
                TrainingCheckpoint.Save(options.CheckpointPath, identity, state, elapsed, target, optimizer);
            progress?.Report(ledger.Report(record, elapsed, clock.Elapsed / epochsThisSession));
        }

        var result = ledger.Result(target, cancelled, resumedFrom, () => state.ElapsedBefore + clock.Elapsed);
        NativeMemory.Release();
        return result;
    }

    /// <summary>One pass over the batches; false when cancelled before the end (the partial epoch is not recorded).</summary>
    bool TrainEpoch(IReadOnlyList<int[]> batches, CancellationToken cancellation)
    {
        target.SetTraining(true);
        foreach (var batch in batches)
        {
            if (cancellation.IsCancellationRequested) return false;
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            ledger.BatchLoss(target, batch).backward();
            optimizer.step();
        }
        return true;
    }

    public void Dispose()
    {
        ledger.Dispose();
        optimizer.Dispose();
    }
}
