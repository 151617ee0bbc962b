using System.Globalization;
using MoePS.Engine.Models;
using MoePS.Engine.Training;
using Xunit;
using MoePS.Engine.Models.Extractors;

namespace MoePS.Engine.Tests.Training;

/// <summary>Training a fresh CGCNN extractor on a real task (jarvis_2d_gap_tbmbj, seed-0 split), a few epochs at a time.</summary>
public sealed class ExtractorPretrainingTests : IClassFixture<PretrainingTask>
{
    static readonly TrainingOptions ThreeEpochs = new() { Epochs = 3, Patience = 3, Seed = 0 };
    readonly PretrainingTask task;

    public ExtractorPretrainingTests(PretrainingTask task) => this.task = task;

    [Fact]
    public void SameSeedGivesABitIdenticalExtractorAndAnotherSeedDoesNot()
    {
        using var a = task.Train(ThreeEpochs);
        using var b = task.Train(ThreeEpochs);
        using var c = task.Train(ThreeEpochs with { Seed = 1 });

        TrainingAssert.SameHistory(a.Training!.History, b.Training!.History);
        var weightsA = PretrainingTask.Weights(a);
        var weightsB = PretrainingTask.Weights(b);
        Assert.Equal(weightsA.Keys, weightsB.Keys);
        foreach (var (key, values) in weightsA) Assert.Equal(values, weightsB[key]);
        Assert.Equal(a.Training.TestMae, b.Training.TestMae);
        Assert.NotEqual(weightsA["embedding.weight"], PretrainingTask.Weights(c)["embedding.weight"]);
    }

    [Fact]
    public void TheExtractorDescribesItsTaskRunAndMetrics()
    {
        using var e = task.Train(ThreeEpochs);
        var run = e.Training!;
        Assert.Equal("jarvis_2d_gap_tbmbj-stl-seed0", e.Name);
        Assert.Equal(new SourceTask("jarvis_2d_gap_tbmbj", "gap tbmbj (jarvis_2d_gap_tbmbj)", 120, task.Dataset.Unit), e.SourceTask);
        Assert.Equal(3, run.EpochsRun);
        Assert.Equal("cpu", run.Device, ignoreCase: true);
        Assert.Equal(run.ValidationMae, e.Metrics.ValidationMae);
        Assert.Equal(run.TestMae, e.Metrics.TestMae);
        Assert.Equal(run.TrainMae, e.Metrics.TrainMae);
        Assert.Equal(run.BestEpoch, e.Metrics.BestEpoch);
        Assert.Equal("trained by MoePS", e.Provenance.Origin);
        Assert.Equal("3", e.Provenance.TrainingArgs!["epochs"]);
        Assert.Equal("Adam", e.Provenance.TrainingArgs["optimizer"]);
        Assert.Equal(run.Normaliser, e.Normaliser);
        Assert.Equal("cpu", e.DeviceName);

        // The extractor alone reproduces the run's test MAE from its own graphs and normaliser.
        var test = task.Dataset.Rows(task.Dataset.Split!.Test).ToList();
        var graphs = test.Select(r => task.Cache.GetOrBuild(r.Crystal, e.GraphSettings)).ToList();
        var predicted = e.Predict(graphs, test.Select(r => r.Crystal.Id).ToList(), PretrainingTask.Cpu);
        Assert.Equal(run.TestMae, Metrics.MeanAbsoluteError(predicted, test.Select(r => r.Target).ToArray()), 5);
    }

    [Fact]
    public void ThePaperCodesStlRecipeTrainsWithSgdAnnealedToItsFloor()
    {
        var options = ThreeEpochs.With(SingleTaskRecipe.PaperCode);
        Assert.Equal(ThreeEpochs with { Optimizer = OptimizerKind.SGD, LearningRate = 0.02, Momentum = 0.9, MinimumLearningRate = 1e-5 }, options);
        Assert.Equal(ThreeEpochs, ThreeEpochs.With(SingleTaskRecipe.PaperText)); // the defaults are the paper text's recipe
        Assert.Equal(ThreeEpochs with { Momentum = 0.9, LearningRate = 0.02 }, options.With(SingleTaskRecipe.PaperText)); // Adam, no floor
        using var e = task.Train(options);
        Assert.Equal("SGD", e.Provenance.TrainingArgs!["optimizer"]);
        Assert.Equal("cosine annealing, T_max 3, eta_min 1E-05", e.Provenance.TrainingArgs["lr_schedule"]);
        Assert.Equal(new[] { 0.02, 1e-5 + (0.02 - 1e-5) * 0.75, 1e-5 + (0.02 - 1e-5) * 0.25 }, e.Training!.History.Select(h => h.LearningRate),
            new DoubleTolerance(1e-15));
    }

    sealed class DoubleTolerance(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(double obj) => 0;
    }

    [Fact]
    public void StopsEarlyAndRestoresTheBestEpochsWeights()
    {
        // With 84 training rows the validation MAE levels off within ~10 epochs (about 1.7 eV here, then it wobbles),
        // so two epochs without a better one come well before the budget.
        using var e = task.Train(new TrainingOptions { Epochs = 30, Patience = 2, LearningRate = 0.01, Seed = 0 });
        var run = e.Training!;
        Assert.True(run.StoppedEarly, $"ran all {run.EpochsRun} epochs: {string.Join(", ", run.History.Select(h => h.ValidationMae.ToString("G4", CultureInfo.InvariantCulture)))}");
        Assert.Equal(run.BestEpoch + 2, run.EpochsRun);
        Assert.Equal(run.History.Min(h => h.ValidationMae), run.BestValidationMae);
        Assert.Equal(run.History[run.BestEpoch - 1].ValidationMae, run.ValidationMae);
        Assert.NotEqual(run.History[^1].ValidationMae, run.ValidationMae);
    }

    [Fact]
    public void ResumingFromACheckpointEqualsAnUninterruptedRun()
    {
        using var folder = new Models.TempFolder();
        var options = new TrainingOptions { Epochs = 6, Patience = 6, Seed = 0, CheckpointEvery = 3 };
        using var whole = task.Train(options with { CheckpointPath = folder.File("whole.ckpt") });

        using var cts = new CancellationTokenSource();
        var cancelAfterThree = new SyncProgress<EpochReport>(r => { if (r.Epoch == 3) cts.Cancel(); });
        using var interrupted = task.Train(options with { CheckpointPath = folder.File("split.ckpt") }, cancelAfterThree, cts.Token);
        Assert.True(interrupted.Training!.Cancelled);
        Assert.Equal(3, interrupted.Training.EpochsRun);

        using var resumed = task.Train(options with { CheckpointPath = folder.File("split.ckpt"), Resume = true });
        Assert.Equal(3, resumed.Training!.ResumedFromEpoch);
        TrainingAssert.SameHistory(whole.Training!.History, resumed.Training.History);
        var expected = PretrainingTask.Weights(whole);
        foreach (var (key, values) in PretrainingTask.Weights(resumed)) Assert.Equal(expected[key], values);
        Assert.Equal(whole.Training.TestMae, resumed.Training.TestMae);
    }

    [Fact]
    public void ADatasetWithoutASplitIsAClearError()
    {
        var unsplit = new MoePS.Engine.Crystals.CrystalDataset(task.Dataset.Name, task.Dataset.TargetName, task.Dataset.Unit, task.Dataset.Entries);
        var e = Assert.Throws<ArgumentException>(() => ExtractorPretraining.Train(unsplit, ThreeEpochs, elements: task.Elements));
        Assert.Contains("jarvis_2d_gap_tbmbj", e.Message);
        Assert.Contains("Split-CrystalDataset", e.Message);
    }
}
