using MoePS.Engine.Crystals;
using MoePS.Engine.Training;
using Xunit;

namespace MoePS.Engine.Tests.Training;

public class TrainerTests
{
    static readonly TrainingOptions Quick = new() { Epochs = 8, Patience = 8, BatchSize = 32, Seed = 3 };

    [Fact]
    public void LearnsTheTaskAndBeatsPredictingTheMean()
    {
        using var data = new SyntheticRegression();
        using var model = new MlpTarget(data, initSeed: 1);
        var result = Trainer.Fit(model, data.Targets, data.Split, Quick with { Epochs = 60, Patience = 60 });

        Assert.Equal(60, result.EpochsRun);
        Assert.False(result.StoppedEarly);
        Assert.False(result.Cancelled);
        Assert.True(result.History[^1].TrainLoss < result.History[0].TrainLoss / 3,
            $"train loss {result.History[0].TrainLoss} → {result.History[^1].TrainLoss}");
        double meanMae = data.MeanPredictorValidationMae();
        Assert.True(result.ValidationMae < 0.5 * meanMae, $"val MAE {result.ValidationMae} vs mean predictor {meanMae}");
        Assert.True(double.IsFinite(result.TestMae) && double.IsFinite(result.TrainMae));
        // The best epoch's weights are back: the final evaluation reproduces its validation MAE exactly.
        Assert.Equal(result.History.Min(r => r.ValidationMae), result.BestValidationMae);
        Assert.Equal(result.BestValidationMae, result.ValidationMae);
        Assert.Equal(data.Targets.Where((_, i) => data.Split.Train.Contains(i) || data.Split.Validation.Contains(i)).Average(),
            result.Normaliser.Mean, 12);
        Assert.Equal("CPU", result.Device, ignoreCase: true);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SameSeedGivesBitIdenticalRunsAndAnotherSeedDoesNot(bool weighted)
    {
        var options = Quick with { WeightedSampling = weighted, Bins = 5 };
        var (a, stateA) = Run(options);
        var (b, stateB) = Run(options);
        var (c, _) = Run(options with { Seed = 4 });

        TrainingAssert.SameHistory(a.History, b.History);
        TrainingAssert.SameState(stateA, stateB);
        Assert.Equal(a.TestMae, b.TestMae);
        Assert.NotEqual(a.History[^1].TrainLoss, c.History[^1].TrainLoss);

        static (TrainingResult, Dictionary<string, double[]>) Run(TrainingOptions o)
        {
            using var data = new SyntheticRegression();
            using var model = new MlpTarget(data, initSeed: 1);
            var r = Trainer.Fit(model, data.Targets, data.Split, o);
            return (r, model.Snapshot());
        }
    }

    [Fact]
    public void StopsPatienceEpochsAfterTheBestAndRestoresTheBestWeights()
    {
        // Train labels 2, validation labels 1: the single predicted number rises from below 1 towards 2,
        // so validation MAE falls, bottoms out as it passes 1, then grows.
        var targets = Enumerable.Repeat(2.0, 10).Concat(Enumerable.Repeat(1.0, 10)).Concat(Enumerable.Repeat(1.5, 5)).ToArray();
        var split = new DatasetSplit(Enumerable.Range(0, 10).ToArray(), Enumerable.Range(10, 10).ToArray(), Enumerable.Range(20, 5).ToArray(), "test");
        using var model = new ScalarTarget(start: -3);
        var options = new TrainingOptions { Epochs = 300, Patience = 5, LearningRate = 0.1 };
        var result = Trainer.Fit(model, targets, split, options);

        var validation = result.History.Select(r => r.ValidationMae).ToList();
        int bestEpoch = validation.IndexOf(validation.Min()) + 1;
        Assert.True(result.StoppedEarly);
        Assert.InRange(bestEpoch, 2, 200);
        Assert.Equal(bestEpoch, result.BestEpoch);
        Assert.Equal(bestEpoch + options.Patience, result.EpochsRun);
        Assert.All(validation.Skip(bestEpoch), v => Assert.True(v >= result.BestValidationMae));
        // Every validation label is 1, so the restored prediction sits exactly the best MAE away from 1.
        double prediction = result.Normaliser.Denormalise(model.Value);
        Assert.Equal(result.BestValidationMae, Math.Abs(prediction - 1), 6);
        Assert.Equal(result.BestValidationMae, result.ValidationMae);
        Assert.Equal(Math.Abs(prediction - 1.5), result.TestMae, 6);
    }

    [Fact]
    public void CancellationStopsAtTheNextBatchAndReturnsTheBestSoFar()
    {
        using var data = new SyntheticRegression();
        using var model = new MlpTarget(data, initSeed: 1);
        using var cts = new CancellationTokenSource();
        // Per epoch: 4 training batches (120 rows / 32) then 2 validation batches (40 rows / 32).
        const int callsPerEpoch = 6, cancelAt = 5 * callsPerEpoch + 2;
        int callsWhenStopped = -1;
        model.BeforeForward = n => { if (n == cancelAt) cts.Cancel(); };
        var result = Trainer.Fit(model, data.Targets, data.Split, Quick with { Epochs = 50, Patience = 50 },
            new SyncProgress<EpochReport>(r => callsWhenStopped = model.ForwardCalls), cts.Token);

        Assert.True(result.Cancelled);
        Assert.False(result.StoppedEarly);
        Assert.Equal(5, result.EpochsRun);
        Assert.Equal(5 * callsPerEpoch, callsWhenStopped);
        // Training went no further than the batch during which Ctrl+C came: the final evaluation
        // (4 + 2 + 2 batches over train/val/known test rows) follows directly.
        Assert.Equal(cancelAt + 8, model.ForwardCalls);
        Assert.InRange(result.BestEpoch, 1, 5);
        Assert.Equal(result.BestValidationMae, result.ValidationMae);
    }

    [Fact]
    public void ReportsEveryEpochWithBestSoFarAndTimeLeft()
    {
        using var data = new SyntheticRegression();
        using var model = new MlpTarget(data, initSeed: 1);
        var reports = new List<EpochReport>();
        var result = Trainer.Fit(model, data.Targets, data.Split, Quick, new SyncProgress<EpochReport>(reports.Add));

        Assert.Equal(Enumerable.Range(1, Quick.Epochs), reports.Select(r => r.Epoch));
        Assert.All(reports, r => Assert.Equal(Quick.Epochs, r.TotalEpochs));
        Assert.Equal(result.History, reports.Select(r => r.Record));
        for (int i = 0; i < reports.Count; i++)
            Assert.Equal(result.History.Take(i + 1).Min(h => h.ValidationMae), reports[i].BestValidationMae);
        Assert.Equal(result.BestEpoch, reports[^1].BestEpoch);
        Assert.True(reports[0].Remaining > TimeSpan.Zero);
        Assert.Equal(TimeSpan.Zero, reports[^1].Remaining);
        Assert.True(reports[^1].Elapsed >= reports[0].Elapsed);
        Assert.Contains($"Epoch {Quick.Epochs}/{Quick.Epochs}", reports[^1].ToString());
    }

    [Fact]
    public void CancelledBeforeTheFirstEpochKeepsTheModelAndReportsNoBest()
    {
        using var data = new SyntheticRegression();
        using var model = new MlpTarget(data, initSeed: 1);
        var before = model.Snapshot();
        var result = Trainer.Fit(model, data.Targets, data.Split, Quick, null, new CancellationToken(canceled: true));
        Assert.True(result.Cancelled);
        Assert.Empty(result.History);
        Assert.Equal(0, result.BestEpoch);
        Assert.True(double.IsNaN(result.BestValidationMae));
        Assert.True(double.IsFinite(result.ValidationMae));
        TrainingAssert.SameState(before, model.Snapshot());
    }

    [Fact]
    public void EachParameterGroupLearnsAtItsOwnCosineAnnealedRate()
    {
        using var data = new SyntheticRegression();
        using var model = new MlpTarget(data, initSeed: 1, headRateFactor: 0);
        var before = model.Snapshot();
        var result = Trainer.Fit(model, data.Targets, data.Split, Quick);
        var after = model.Snapshot();

        Assert.Equal(before["head.weight"], after["head.weight"]);
        Assert.Equal(before["head.bias"], after["head.bias"]);
        Assert.NotEqual(before["body.weight"], after["body.weight"]);
        var schedule = new CosineAnnealingSchedule(Quick.Epochs);
        Assert.Equal(Enumerable.Range(0, Quick.Epochs).Select(e => schedule.RateAt(Quick.LearningRate, e)),
            result.History.Select(r => r.LearningRate));
    }

    [Fact]
    public void TheScheduleAnnealsToTheMinimumRate()
    {
        using var data = new SyntheticRegression();
        using var model = new MlpTarget(data, initSeed: 1);
        var options = Quick with { MinimumLearningRate = 1e-3 };
        var result = Trainer.Fit(model, data.Targets, data.Split, options);
        // torch's CosineAnnealingLR with eta_min: lr(e) = η_min + (base − η_min)(1 + cos(π e / T_max)) / 2.
        for (int e = 0; e < options.Epochs; e++)
            Assert.Equal(1e-3 + (options.LearningRate - 1e-3) * (1 + Math.Cos(Math.PI * e / options.Epochs)) / 2, result.History[e].LearningRate, 15);
        Assert.Throws<ArgumentException>(() => Trainer.Fit(model, data.Targets, data.Split, Quick with { MinimumLearningRate = -1 }));
    }

    [Fact]
    public void TheTargetsRegulariserIsAddedToTheLoss()
    {
        var oneBatch = Quick with { Epochs = 1, BatchSize = 1000 };
        using var data = new SyntheticRegression();
        using var plain = new MlpTarget(data, initSeed: 1);
        using var regularised = new MlpTarget(data, initSeed: 1, regularisation: 0.5);
        double penalty = regularised.RegularisationValue();
        var a = Trainer.Fit(plain, data.Targets, data.Split, oneBatch);
        var b = Trainer.Fit(regularised, data.Targets, data.Split, oneBatch);
        Assert.True(penalty > 0);
        Assert.Equal(a.History[0].TrainLoss + penalty, b.History[0].TrainLoss, 5);
    }

    [Fact]
    public void BadInputGivesClearErrors()
    {
        using var data = new SyntheticRegression();
        using var model = new MlpTarget(data, initSeed: 1);
        var withGap = (double[])data.Targets.Clone();
        withGap[data.Split.Train[3]] = double.NaN;
        var e = Assert.Throws<ArgumentException>(() => Trainer.Fit(model, withGap, data.Split, Quick));
        Assert.Contains($"Row {data.Split.Train[3]}", e.Message);

        var noValidation = data.Split with { Validation = Array.Empty<int>() };
        Assert.Contains("validation", Assert.Throws<ArgumentException>(() => Trainer.Fit(model, data.Targets, noValidation, Quick)).Message);

        Assert.Contains("Epochs", Assert.Throws<ArgumentException>(() => Trainer.Fit(model, data.Targets, data.Split, Quick with { Epochs = 0 })).Message);
        Assert.Contains("Resume", Assert.Throws<ArgumentException>(() => Trainer.Fit(model, data.Targets, data.Split, Quick with { Resume = true })).Message);
    }
}
