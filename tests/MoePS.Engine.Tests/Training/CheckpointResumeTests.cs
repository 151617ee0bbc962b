using MoePS.Engine.Crystals;
using MoePS.Engine.Training;
using Xunit;

namespace MoePS.Engine.Tests.Training;

public sealed class CheckpointResumeTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("moeps-checkpoint-").FullName;

    static readonly TrainingOptions SixEpochs = new() { Epochs = 6, Patience = 6, BatchSize = 32, Seed = 5, CheckpointEvery = 3 };

    [Theory]
    [InlineData(OptimizerKind.Adam, false)]
    [InlineData(OptimizerKind.SGD, true)]
    public void ResumingGivesTheSameResultAsAnUninterruptedRun(OptimizerKind optimizer, bool weighted)
    {
        var options = SixEpochs with { Optimizer = optimizer, LearningRate = optimizer == OptimizerKind.SGD ? 1e-3 : 1e-2, WeightedSampling = weighted, Bins = 4 };
        string whole = Path.Combine(folder, "whole.ckpt"), split = Path.Combine(folder, "split.ckpt");

        var (uninterrupted, expectedState) = Run(options with { CheckpointPath = whole }, initSeed: 1, cancelAfterEpoch: null);

        // "Crash" after epoch 3, then resume in fresh objects whose own initial weights differ.
        var (interrupted, _) = Run(options with { CheckpointPath = split }, initSeed: 1, cancelAfterEpoch: 3);
        Assert.True(interrupted.Cancelled);
        Assert.Equal(3, interrupted.EpochsRun);
        var (resumed, resumedState) = Run(options with { CheckpointPath = split, Resume = true }, initSeed: 99, cancelAfterEpoch: null);

        Assert.Equal(3, resumed.ResumedFromEpoch);
        TrainingAssert.SameHistory(uninterrupted.History, resumed.History);
        TrainingAssert.SameState(expectedState, resumedState);
        Assert.Equal(uninterrupted.BestEpoch, resumed.BestEpoch);
        Assert.Equal(uninterrupted.TestMae, resumed.TestMae);

        // A finished run's checkpoint resumes to the same result without training further.
        var (again, againState) = Run(options with { CheckpointPath = whole, Resume = true }, initSeed: 99, cancelAfterEpoch: null);
        Assert.Equal(6, again.ResumedFromEpoch);
        TrainingAssert.SameHistory(uninterrupted.History, again.History);
        TrainingAssert.SameState(expectedState, againState);

        Assert.Equal(new[] { "split.ckpt", "whole.ckpt" }, Directory.GetFiles(folder).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void RefusesACheckpointOfADifferentRun()
    {
        string path = Path.Combine(folder, "run.ckpt");
        Run(SixEpochs with { Epochs = 3, CheckpointPath = path }, 1, null);
        var e = Assert.Throws<InvalidOperationException>(() => Run(SixEpochs with { Epochs = 3, CheckpointPath = path, Resume = true, Seed = 6 }, 1, null));
        Assert.Contains("Seed 5 → 6", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void RefusesACheckpointOfAnotherSplitEvenWhenOnlyTheTestRowsDiffer()
    {
        string path = Path.Combine(folder, "run.ckpt");
        Run(SixEpochs with { Epochs = 3, CheckpointPath = path }, 1, null);
        var e = Assert.Throws<InvalidOperationException>(() =>
            Run(SixEpochs with { Epochs = 3, CheckpointPath = path, Resume = true }, 1, null, split => split with { Test = split.Test[1..] }));
        Assert.Contains("Split ", e.Message);
        Assert.DoesNotContain("Seed", e.Message);
    }

    [Fact]
    public void RefusesACheckpointOfTheSameRowsWithAnotherTestTarget()
    {
        string path = Path.Combine(folder, "run.ckpt");
        Run(SixEpochs with { Epochs = 3, CheckpointPath = path }, 1, null);
        var e = Assert.Throws<InvalidOperationException>(() =>
            Run(SixEpochs with { Epochs = 3, CheckpointPath = path, Resume = true }, 1, null, editTargets: (targets, split) => targets[split.Test[0]] += 1));
        Assert.Contains("TestTargets ", e.Message);
        Assert.DoesNotContain("Split ", e.Message);
        Assert.DoesNotContain("TrainTargets", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void RefusesACheckpointOfAnOlderMoePSClearly()
    {
        string path = Path.Combine(folder, "run.ckpt");
        using (var writer = new BinaryWriter(File.Create(path)))
        {
            writer.Write("MoePS.TrainingCheckpoint");
            writer.Write(1);
        }
        var e = Assert.Throws<InvalidDataException>(() => Run(SixEpochs with { CheckpointPath = path, Resume = true }, 1, null));
        Assert.Contains(path, e.Message);
        Assert.Contains("written by an older MoePS", e.Message);
        Assert.Contains("Delete it", e.Message);
    }

    [Fact]
    public void ACorruptCheckpointIsAClearErrorAndAMissingOneStartsFresh()
    {
        string path = Path.Combine(folder, "run.ckpt");
        var (fresh, _) = Run(SixEpochs with { Epochs = 3, CheckpointPath = path, Resume = true }, 1, null);
        Assert.Null(fresh.ResumedFromEpoch);
        Assert.True(File.Exists(path));

        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var truncated = Assert.Throws<InvalidDataException>(() => Run(SixEpochs with { Epochs = 3, CheckpointPath = path, Resume = true }, 1, null));
        Assert.Contains(path, truncated.Message);

        File.WriteAllText(path, "not a checkpoint");
        Assert.Throws<InvalidDataException>(() => Run(SixEpochs with { Epochs = 3, CheckpointPath = path, Resume = true }, 1, null));
    }

    static (TrainingResult, Dictionary<string, double[]>) Run(TrainingOptions options, long initSeed, int? cancelAfterEpoch,
        Func<DatasetSplit, DatasetSplit>? changeSplit = null, Action<double[], DatasetSplit>? editTargets = null)
    {
        using var data = new SyntheticRegression();
        editTargets?.Invoke(data.Targets, data.Split);
        using var model = new MlpTarget(data, initSeed);
        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress<EpochReport>(r => { if (r.Epoch == cancelAfterEpoch) cts.Cancel(); });
        var result = Trainer.Fit(model, data.Targets, changeSplit?.Invoke(data.Split) ?? data.Split, options, progress, cts.Token);
        return (result, model.Snapshot());
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
