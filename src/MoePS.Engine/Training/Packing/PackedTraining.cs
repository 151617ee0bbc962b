using System.Diagnostics;
using MoePS.Engine.Runtime;
using static TorchSharp.torch;

namespace MoePS.Engine.Training.Packing;

/// <summary>
/// One call of <see cref="PackedTrainer.Fit"/>: the runs' ledgers (as a run alone keeps them), their stacked parameters
/// and the stacked optimiser. Every epoch, each run still training plans its own batches; step s takes batch s of every
/// run that has one. The wall time of an epoch is shared equally by the runs that trained in it.
/// </summary>
internal sealed class PackedTraining : IDisposable
{
    readonly IReadOnlyList<PackedRun> runs;
    readonly RunLedger[] ledgers;
    readonly StackedParameters stacks;
    readonly StackedAdam optimizer;
    readonly int runsPerBackward;
    readonly TimeSpan[] charged;

    public PackedTraining(IReadOnlyList<PackedRun> runs, int runsPerBackward)
    {
        this.runs = runs;
        this.runsPerBackward = runsPerBackward;
        var groups = runs.Select(r => r.Target.ParameterGroups(r.Options.LearningRate)).ToArray();
        ledgers = runs.Select((r, i) => new RunLedger(r.Targets, r.Split, r.Options, Trainer.NormaliserFor(r.Targets, r.Split),
            groups[i].Select(g => g.LearningRate).ToArray())).ToArray();
        stacks = new StackedParameters(groups);
        optimizer = new StackedAdam(stacks.Groups, runs.Count, runs[0].Options.WeightDecay);
        charged = new TimeSpan[runs.Count];
    }

    public TrainingResult[] Execute(IProgress<EpochReport>? progress, Action<int, TrainingResult>? finished, CancellationToken cancellation)
    {
        var results = new TrainingResult[runs.Count];
        void Finish(int run, bool cancelled)
        {
            var clock = Stopwatch.StartNew();
            results[run] = ledgers[run].Result(runs[run].Target, cancelled, resumedFrom: null, () => charged[run] + clock.Elapsed);
            finished?.Invoke(run, results[run]);
        }

        var active = Enumerable.Range(0, runs.Count).ToList();
        var packClock = Stopwatch.StartNew();
        int epochs = 0;
        while (active.Count > 0)
        {
            var epochClock = Stopwatch.StartNew();
            var rates = Rates(active);
            if (!TrainEpoch(active, rates, cancellation))
            {
                foreach (int r in active) Finish(r, cancelled: true);
                break;
            }
            var validationMae = active.ToDictionary(r => r, r => ledgers[r].MaeOf(runs[r].Target, runs[r].Split.Validation));
            NativeMemory.ReleaseIfGrown(); // keeps resident memory flat across epochs; see NativeMemory

            epochs++;
            var share = epochClock.Elapsed / active.Count;
            EpochReport? longest = null;
            foreach (int r in active)
            {
                charged[r] += share;
                var record = ledgers[r].EndEpoch(runs[r].Target, validationMae[r], rates[0][r], share.TotalSeconds);
                var report = ledgers[r].Report(record, packClock.Elapsed, packClock.Elapsed / epochs);
                if (longest == null || report.Remaining > longest.Remaining) longest = report;
            }
            progress?.Report(longest!);
            foreach (int r in active.Where(r => ledgers[r].Finished).ToList())
            {
                active.Remove(r);
                Finish(r, cancelled: false);
            }
        }
        NativeMemory.Release();
        return results;
    }

    /// <summary>Learning rate of each parameter group (first index) for each run (second) in the coming epoch; zero for runs that no longer train.</summary>
    double[][] Rates(IReadOnlyList<int> active)
    {
        var rates = Enumerable.Range(0, ledgers[0].BaseRates.Count).Select(_ => new double[runs.Count]).ToArray();
        foreach (int r in active)
        {
            var own = ledgers[r].CurrentRates();
            for (int g = 0; g < own.Length; g++) rates[g][r] = own[g];
        }
        return rates;
    }

    /// <summary>One epoch of every active run; false when cancelled before the end (the partial epoch is not recorded).</summary>
    bool TrainEpoch(IReadOnlyList<int> active, double[][] rates, CancellationToken cancellation)
    {
        var batches = new IReadOnlyList<int[]>[runs.Count];
        foreach (int r in active)
        {
            batches[r] = ledgers[r].StartEpoch();
            runs[r].Target.SetTraining(true);
        }
        int steps = active.Max(r => batches[r].Count);
        for (int s = 0; s < steps; s++)
        {
            if (cancellation.IsCancellationRequested) return false;
            var stepping = active.Where(r => s < batches[r].Count).ToList();
            stacks.ZeroGrad();
            foreach (var group in stepping.Chunk(runsPerBackward))
            {
                using var scope = NewDisposeScope();
                Tensor? loss = null;
                foreach (int r in group)
                {
                    var own = ledgers[r].BatchLoss(runs[r].Target, batches[r][s]);
                    loss = loss is null ? own : loss.add(own, HeldScalars.One);
                }
                loss!.backward();
            }
            optimizer.Step(rates, stepping);
        }
        return true;
    }

    public void Dispose()
    {
        optimizer.Dispose();
        stacks.Dispose();
        foreach (var ledger in ledgers) ledger.Dispose();
    }
}
