using MoePS.Engine.Crystals;
using MoePS.Engine.Training;
using MoePS.Engine.Training.Packing;
using Xunit;
using MoePS.Engine.Runtime;

namespace MoePS.Engine.Tests.Training;

public class PackedTrainerTests
{
    static readonly TrainingOptions Base = new() { Epochs = 10, Patience = 10, BatchSize = 32, Seed = 3 };

    /// <summary>
    /// Three runs unlike in all that a run may differ in: initial weights, seed, split (so batches per epoch: 4, 3, 2),
    /// batch size, sampling, rates, regulariser, and a short patience that stops the third early.
    /// </summary>
    static (int InitSeed, double HeadRate, double Regularisation, Func<SyntheticRegression, DatasetSplit> Split, TrainingOptions Options)[] Runs() => new[]
    {
        (1, 1.0, 0.0, (Func<SyntheticRegression, DatasetSplit>)(d => d.Split), Base),
        (2, 0.5, 1e-3, d => Resplit(d, 80), Base with { Seed = 4, LearningRate = 5e-3 }),
        (3, 2.0, 0.0, d => Resplit(d, 90), Base with { Seed = 5, BatchSize = 45, Patience = 1, LearningRate = 0.3, WeightedSampling = true, Bins = 4 }),
    };

    /// <summary>Another split of the same rows: the first <paramref name="train"/> rows of a fixed shuffle train, the next 40 validate.</summary>
    static DatasetSplit Resplit(SyntheticRegression data, int train)
    {
        var known = data.Split.Train.Concat(data.Split.Validation).ToArray();
        new SplitMix64(99).Shuffle(known);
        return new DatasetSplit(known[..train], known[train..(train + 40)], data.Split.Test, $"train {train}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(int.MaxValue)]
    public void EachRunOfAPackEqualsTheSameRunTrainedAlone(int runsPerBackward)
    {
        using var data = new SyntheticRegression();
        var alone = Runs().Select(r =>
        {
            using var model = new MlpTarget(data, r.InitSeed, headRateFactor: r.HeadRate, regularisation: r.Regularisation);
            return (Result: Trainer.Fit(model, data.Targets, r.Split(data), r.Options), State: model.Snapshot());
        }).ToArray();

        var models = Runs().Select(r => new MlpTarget(data, r.InitSeed, headRateFactor: r.HeadRate, regularisation: r.Regularisation)).ToArray();
        try
        {
            var packed = PackedTrainer.Fit(Runs().Select((r, i) => new PackedRun(models[i], data.Targets, r.Split(data), r.Options)).ToArray(),
                runsPerBackward);

            Assert.True(alone[2].Result.StoppedEarly && !alone[0].Result.StoppedEarly, "the third run must stop early for the mask to be tested");
            for (int i = 0; i < models.Length; i++)
            {
                TrainingAssert.SameHistory(alone[i].Result.History, packed[i].History);
                Assert.Equal(alone[i].Result.BestEpoch, packed[i].BestEpoch);
                Assert.Equal((alone[i].Result.TrainMae, alone[i].Result.ValidationMae, alone[i].Result.TestMae),
                    (packed[i].TrainMae, packed[i].ValidationMae, packed[i].TestMae));
                Assert.Equal(alone[i].Result.StoppedEarly, packed[i].StoppedEarly);
                TrainingAssert.SameState(alone[i].State, models[i].Snapshot());
            }
        }
        finally
        {
            foreach (var m in models) m.Dispose();
        }
    }

    [Fact]
    public void ARunThatStopsIsReportedAtOnceAndNoLongerChanges()
    {
        using var data = new SyntheticRegression();
        var runs = Runs();
        var models = runs.Select(r => new MlpTarget(data, r.InitSeed, headRateFactor: r.HeadRate, regularisation: r.Regularisation)).ToArray();
        try
        {
            var finished = new List<(int Run, int Epochs, Dictionary<string, double[]> State)>();
            var reports = new List<EpochReport>();
            var results = PackedTrainer.Fit(runs.Select((r, i) => new PackedRun(models[i], data.Targets, r.Split(data), r.Options)).ToArray(),
                progress: new SyncProgress<EpochReport>(reports.Add),
                finished: (run, result) => finished.Add((run, result.EpochsRun, models[run].Snapshot())));

            Assert.Equal(2, finished[0].Run);
            Assert.True(finished[0].Epochs < Base.Epochs);
            Assert.Equal(new[] { 0, 1 }, finished.Skip(1).Select(f => f.Run).Order());
            // Once stopped, a run is masked: the other runs' further epochs leave its weights as they were.
            TrainingAssert.SameState(finished[0].State, models[2].Snapshot());
            Assert.Equal(Enumerable.Range(1, Base.Epochs), reports.Select(r => r.Epoch));
            Assert.All(results, r => Assert.False(r.Cancelled));
            // A run's time is its share of each epoch it trained in, plus its own finishing (restoring its best state, scoring it).
            Assert.True(results[0].Elapsed.TotalSeconds >= results[0].History.Sum(h => h.Seconds) - 1e-9);
        }
        finally
        {
            foreach (var m in models) m.Dispose();
        }
    }

    [Fact]
    public void CancellationEndsEveryRunStillTrainingWithItsBestSoFar()
    {
        using var data = new SyntheticRegression();
        using var a = new MlpTarget(data, 1);
        using var b = new MlpTarget(data, 2);
        using var stop = new CancellationTokenSource();
        b.BeforeForward = calls => { if (calls == 3 * 6 + 1) stop.Cancel(); }; // first batch of epoch 4 (an epoch: 4 batches, 2 validation chunks)
        var results = PackedTrainer.Fit(new[] { new PackedRun(a, data.Targets, data.Split, Base), new PackedRun(b, data.Targets, data.Split, Base) },
            cancellation: stop.Token);

        Assert.All(results, r => Assert.True(r.Cancelled && !r.StoppedEarly));
        Assert.All(results, r => Assert.Equal(3, r.EpochsRun));
        Assert.All(results, r => Assert.Equal(r.BestValidationMae, r.ValidationMae));
    }

    [Fact]
    public void RefusesRunsItCannotPack()
    {
        using var data = new SyntheticRegression();
        using var a = new MlpTarget(data, 1);
        using var b = new MlpTarget(data, 2);
        using var narrow = new MlpTarget(data, 3, hidden: 8);
        PackedRun Run(MlpTarget m, TrainingOptions o) => new(m, data.Targets, data.Split, o);

        Assert.Contains("Adam", Assert.Throws<ArgumentException>(() =>
            PackedTrainer.Fit(new[] { Run(a, Base), Run(b, Base with { Optimizer = OptimizerKind.SGD }) })).Message);
        Assert.Contains("checkpoint", Assert.Throws<ArgumentException>(() =>
            PackedTrainer.Fit(new[] { Run(a, Base with { CheckpointPath = "x.ckpt" }) })).Message);
        Assert.Contains("twice", Assert.Throws<ArgumentException>(() => PackedTrainer.Fit(new[] { Run(a, Base), Run(a, Base) })).Message);
        Assert.Contains("weight decay", Assert.Throws<ArgumentException>(() =>
            PackedTrainer.Fit(new[] { Run(a, Base), Run(b, Base with { WeightDecay = 1e-4 }) })).Message);
        Assert.Contains("Run 1 of the pack has other parameters", Assert.Throws<ArgumentException>(() =>
            PackedTrainer.Fit(new[] { Run(a, Base), Run(narrow, Base) })).Message);
    }
}
