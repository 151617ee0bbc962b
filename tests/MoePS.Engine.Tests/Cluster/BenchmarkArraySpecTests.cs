using MoePS.Engine.Benchmarks;
using MoePS.Engine.Cluster;
using MoePS.Engine.Models;
using MoePS.Engine.Models.Mixture;
using Xunit;

namespace MoePS.Engine.Tests.Cluster;

public sealed class BenchmarkArraySpecTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("moeps-spec-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public void RoundTripsTheRunsWithTheirKeys()
    {
        var settings = new BenchmarkHyperparameters { Epochs = 7, TopK = 2, Extractors = new[] { "mp_eform", "mp_bandgap" } };
        var plan = new ExperimentPlan
        {
            Tasks = new[] { "jarvis_2d_gap_tbmbj" },
            Methods = new[] { PlannedMethod.Create(LearningMethod.STL, settings), PlannedMethod.Create(LearningMethod.MoE, settings, Aggregation.Concat) },
            Seeds = new[] { 0, 3 },
            Hyperparameters = settings,
        };
        var runs = plan.Runs().ToList();
        var spec = new BenchmarkArraySpec(Path.Combine(root, "r.jsonl"), null, "auto", runs);
        string path = Path.Combine(root, "spec.json");
        spec.Save(path);

        var back = BenchmarkArraySpec.Load(path);
        Assert.Equal(runs.Select(r => r.Key), back.Runs.Select(r => r.Key));
        Assert.Equal(runs, back.Runs, (a, b) => a.Settings.Extractors.SequenceEqual(b.Settings.Extractors) && a.Settings.TopK == b.Settings.TopK);
        Assert.Equal(spec.ResultPath, back.ResultPath);
        Assert.Equal("auto", back.Device);
    }

    [Fact]
    public void FindsATasksResultInTheResultFile()
    {
        var run = new PlannedRun("t", LearningMethod.STL, 1, new BenchmarkHyperparameters());
        var spec = new BenchmarkArraySpec("r.jsonl", null, "cpu", new[] { run });
        var other = new BenchmarkResult { Task = "t", Method = LearningMethod.STL, Seed = 0, ConfigHash = run.ConfigHash };
        var mine = new BenchmarkResult { Task = "t", Method = LearningMethod.STL, Seed = 1, ConfigHash = run.ConfigHash };
        Assert.Same(mine, spec.ResultOf(0, new[] { other, mine }));
        Assert.Null(spec.ResultOf(0, new[] { other }));
    }

    [Fact]
    public void AFileThatIsNotASpecIsAnErrorNamingIt()
    {
        string path = Path.Combine(root, "bad.json");
        File.WriteAllText(path, "{ not json");
        var e = Assert.Throws<SlurmException>(() => BenchmarkArraySpec.Load(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }
}
