using MoePS.Engine.Benchmarks;
using MoePS.Engine.Models;
using MoePS.Engine.Models.Mixture;
using MoePS.Engine.Training;
using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;
using MoePS.Engine.Runtime;
using Xunit;

namespace MoePS.Engine.Tests.Benchmarks;

/// <summary>Real (two-epoch) runs of the 120-row jarvis_2d_gap_tbmbj task through the benchmark trainer.</summary>
public sealed class BenchmarkTrainerTests : IDisposable
{
    readonly string cacheFolder = Directory.CreateTempSubdirectory("moeps-bench-graphs-").FullName;
    const string Task = "jarvis_2d_gap_tbmbj";
    static readonly BenchmarkHyperparameters Quick = new() { Epochs = 2, Patience = 2, TopK = 1, Extractors = new[] { "mp_eform", "mp_bandgap" } };

    public BenchmarkTrainerTests()
    {
        TorchRuntime.EnsureLoaded();
        Environment.SetEnvironmentVariable(DataLocations.DataPathVariable, TestData.Folder);
    }

    public void Dispose() => Directory.Delete(cacheFolder, recursive: true);

    BenchmarkTrainer Trainer(BenchmarkTasks? tasks = null) =>
        new(tasks ?? new BenchmarkTasks(), ComputeDevice.Parse("cpu"), new GraphCache(cacheFolder));

    static void AssertParityMatchesTestMae(BenchmarkResult r, int testRows)
    {
        Assert.Equal(testRows, r.Parity!.Count);
        double mae = r.Parity.Actual.Zip(r.Parity.Predicted, (a, p) => Math.Abs(a - p)).Average();
        Assert.Equal(r.TestMAE, mae, 6);
    }

    [Fact]
    public void TrainsEachMethodOnThePapersSplitOfTheSeed()
    {
        using var trainer = Trainer();
        var results = new[] { LearningMethod.STL, LearningMethod.TL, LearningMethod.MoE }
            .Select(m => trainer.Execute(new PlannedRun(Task, m, 0, Quick), null, default)).ToList();

        foreach (var r in results)
        {
            Assert.Equal((Task, 0, 120, "eV", "cpu", 2), (r.Task, r.Seed, r.Rows, r.Unit, r.Device, r.Epochs));
            Assert.Equal($"seed0.json[{Task}]", r.Split);
            Assert.Equal(Quick.HashFor(r.Method), r.ConfigHash);
            Assert.True(double.IsFinite(r.TestMAE) && r.TestMAE > 0);
            AssertParityMatchesTestMae(r, 18);
        }
        var (stl, tl, moe) = (results[0], results[1], results[2]);
        Assert.Equal(("", null, 0), (stl.Extractors, stl.TopK, stl.GateScoreDictionary.Count));
        Assert.Equal(("mp_eform", null, 0), (tl.Extractors, tl.TopK, tl.GateScoreDictionary.Count));
        Assert.Equal(("mp_eform,mp_bandgap", 1), (moe.Extractors, moe.TopK));
        Assert.Equal(new[] { "mp_eform", "mp_bandgap" }, moe.GateScoreDictionary.Keys);
        Assert.Equal(1, moe.GateScoreDictionary.ActiveCount);
        Assert.Equal(1.0, moe.GateScoreDictionary.Values.Sum(), 6);
    }

    [Fact]
    public void TheStlRecipeAndTheFrozenNormalizationReachTheirRuns()
    {
        using var trainer = Trainer();
        double TestMae(LearningMethod method, BenchmarkHyperparameters settings) =>
            trainer.Execute(new PlannedRun(Task, method, 0, settings), null, default).TestMAE;
        Assert.NotEqual(TestMae(LearningMethod.STL, Quick), TestMae(LearningMethod.STL, Quick with { StlRecipe = SingleTaskRecipe.PaperCode }));
        Assert.NotEqual(TestMae(LearningMethod.TL, Quick),
            TestMae(LearningMethod.TL, Quick with { FrozenNormalization = FrozenNormalization.Adapt }));
        var concat = trainer.Execute(new PlannedRun(Task, LearningMethod.PaperConcat, 0, Quick with { TopK = null }), null, default);
        Assert.Equal(2, concat.TopK);
        Assert.Equal(2, concat.GateScoreDictionary.ActiveCount);
    }

    [Fact]
    public void ADatasetWithoutAPaperSplitIsSplitRandomlyBySeed()
    {
        var read = DatasetFile.Read(TestData.PathOf("tasks", Task + ".json.gz"), new DatasetReadOptions { Name = "my_gaps" }).Dataset;
        var tasks = new BenchmarkTasks(datasets: new[] { read });
        var expected = RandomSplit.Create(120, 3);
        var loaded = tasks.Load("my_gaps", 3);
        Assert.Equal(expected.Test, loaded.Split!.Test);

        using var trainer = Trainer(tasks);
        var r = trainer.Execute(new PlannedRun("my_gaps", LearningMethod.STL, 3, Quick), null, default);
        Assert.Equal(expected.Origin, r.Split);
        AssertParityMatchesTestMae(r, expected.Test.Length);
    }

    [Fact]
    public void AnExplicitSplitFolderMustHaveTheSeedsFile()
    {
        var tasks = new BenchmarkTasks(splitFolder: cacheFolder);
        var e = Assert.Throws<FileNotFoundException>(() => tasks.Load(Task, 0));
        Assert.Contains("seed0.json", e.Message);
    }

    [Fact]
    public void APackOfSeedsThroughTheRunnerGivesTheResultsOfTheRunsOneByOne()
    {
        var plan = new ExperimentPlan
        {
            Tasks = new[] { Task },
            Methods = new[] { LearningMethod.TL, LearningMethod.MoE }.Select(m => new PlannedMethod(m, Quick)).ToList(),
            Seeds = new[] { 0, 1 },
        };
        using var trainer = Trainer();
        var store = new ResultStore(Path.Combine(cacheFolder, "packed.jsonl"));
        var started = new List<int>();
        var packed = new BenchmarkRunner(store, trainer).Run(plan.Runs(), new BenchmarkHooks { Starting = s => started.Add(s.Pack.Count) }).ToList();

        Assert.Equal(new[] { 2, 2 }, started);
        Assert.Equal(4, store.ReadAll().Count);
        foreach (var outcome in packed)
        {
            var p = outcome.Result!;
            var alone = trainer.Execute(outcome.Run, null, default);
            Assert.Equal((alone.BestEpoch, alone.Epochs, alone.Split, alone.Extractors, alone.TopK), (p.BestEpoch, p.Epochs, p.Split, p.Extractors, p.TopK));
            // Equal to the last bit on this machine (see MixturePackTests); a few float32 roundings allowed.
            Assert.Equal(alone.TestMAE, p.TestMAE, 1e-6);
            Assert.Equal(alone.ValMAE, p.ValMAE, 1e-6);
            Assert.Equal(alone.Parity!.Predicted, p.Parity!.Predicted, (a, b) => Math.Abs(a - b) <= 1e-6 * Math.Max(1, Math.Abs(a)));
            Assert.Equal(alone.GateScoreDictionary.Values, p.GateScoreDictionary.Values, (a, b) => Math.Abs(a - b) <= 1e-6);
            Assert.True(p.Seconds > 0);
            AssertParityMatchesTestMae(p, 18);
        }
    }
}
