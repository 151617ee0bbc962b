using System.Text;
using MoePS.Engine.Benchmarks;
using MoePS.Engine.Models;
using MoePS.Engine.Models.Mixture;
using MoePS.Engine.Training;
using Xunit;

namespace MoePS.Engine.Tests.Benchmarks;

public sealed class ResultStoreTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("moeps-results-").FullName;
    string PathOf(string name) => Path.Combine(folder, name);

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void ResultsRoundTripWithGateScoresAndParityData()
    {
        var store = new ResultStore(PathOf("r.jsonl"));
        var runs = BenchmarkFixtures.TwoTasks().Select((r, i) => i == 1 ? r.WithSettings("epochs=200; patience=50") : r).ToList();
        foreach (var r in runs) store.Append(r);

        var back = store.ReadAll();
        Assert.Equal(runs.Count, back.Count);
        Assert.Equal(runs.Count, File.ReadAllLines(store.Path).Length);
        for (int i = 0; i < runs.Count; i++)
        {
            Assert.Equal(runs[i].GetKey(), back[i].GetKey());
            Assert.Equal(runs[i].TestMAE, back[i].TestMAE);
            Assert.Equal(runs[i].TopK, back[i].TopK);
            Assert.Equal(runs[i].Finished, back[i].Finished);
            Assert.Equal(runs[i].GateScoreDictionary.ToList(), back[i].GateScoreDictionary.ToList());
            Assert.Equal(runs[i].GateScores, back[i].GateScores);
            Assert.Equal(runs[i].Parity?.Predicted, back[i].Parity?.Predicted);
            Assert.Equal(runs[i].Parity?.Ids, back[i].Parity?.Ids);
            Assert.Equal(runs[i].Settings, back[i].Settings);
        }
        Assert.Equal("epochs=200; patience=50", back[1].Settings);
        Assert.Equal("mp_eform=0.6;mp_bandgap=0.4", back[4].GateScores);
        Assert.Equal("2 of 4 active", back[4].GateScoreDictionary.ToString());
    }

    [Fact]
    public void ATruncatedLastLineIsSkippedAndCutBeforeTheNextAppend()
    {
        var store = new ResultStore(PathOf("killed.jsonl"));
        var runs = BenchmarkFixtures.TwoTasks();
        store.Append(runs[0]);
        store.Append(runs[1]);
        // A process killed while writing the third line leaves half of it.
        string third = System.Text.Json.JsonSerializer.Serialize(runs[2]);
        File.AppendAllText(store.Path, third[..(third.Length / 2)], Encoding.UTF8);

        var read = store.Read(out bool truncated);
        Assert.True(truncated);
        Assert.Equal(2, read.Count);

        store.Append(runs[3]);
        var after = store.Read(out truncated);
        Assert.False(truncated);
        Assert.Equal(new[] { runs[0], runs[1], runs[3] }.Select(r => r.GetKey()), after.Select(r => r.GetKey()));
    }

    [Fact]
    public void ACompleteLastLineWithoutNewlineIsKept()
    {
        var store = new ResultStore(PathOf("hand-edited.jsonl"));
        var runs = BenchmarkFixtures.TwoTasks();
        store.Append(runs[0]);
        File.WriteAllText(store.Path, File.ReadAllText(store.Path).TrimEnd('\n'));
        store.Append(runs[1]);
        Assert.Equal(2, store.ReadAll().Count);
    }

    [Fact]
    public void FinishedKeysIdentifyRunsToSkip()
    {
        var store = new ResultStore(PathOf("keys.jsonl"));
        Assert.Empty(store.FinishedKeys());
        var runs = BenchmarkFixtures.TwoTasks();
        store.Append(runs[0]);
        store.Append(runs[4]);
        var keys = store.FinishedKeys();
        Assert.Contains(new BenchmarkRunKey("jarvis_2d_gap_tbmbj", LearningMethod.STL, 0, "h"), keys);
        Assert.Contains(new BenchmarkRunKey("jarvis_2d_gap_tbmbj", LearningMethod.MoE, 0, "h"), keys);
        Assert.DoesNotContain(new BenchmarkRunKey("jarvis_2d_gap_tbmbj", LearningMethod.STL, 1, "h"), keys);
        Assert.DoesNotContain(new BenchmarkRunKey("jarvis_2d_gap_tbmbj", LearningMethod.STL, 0, "other-settings"), keys);
    }

    [Fact]
    public void PlannedRunKeysMatchTheKeysOfTheirResults()
    {
        var settings = new BenchmarkHyperparameters { Epochs = 5, TopK = 4 };
        var planned = new PlannedRun("expt_eform", LearningMethod.MoE, 3, settings);
        var store = new ResultStore(PathOf("planned.jsonl"));
        store.Append(BenchmarkFixtures.Run("expt_eform", LearningMethod.MoE, 3, 0.1, hash: planned.ConfigHash));
        Assert.Contains(planned.Key, store.FinishedKeys());
        // STL ignores mixture settings, so changing k keeps its key; MoE's key changes.
        Assert.Equal(settings.HashFor(LearningMethod.STL), (settings with { TopK = 2 }).HashFor(LearningMethod.STL));
        Assert.NotEqual(settings.HashFor(LearningMethod.MoE), (settings with { TopK = 2 }).HashFor(LearningMethod.MoE));
        Assert.NotEqual(settings.HashFor(LearningMethod.STL), (settings with { Epochs = 6 }).HashFor(LearningMethod.STL));
    }

    [Fact]
    public void ConfigHashesAreThoseOfResultFilesAlreadyWritten()
    {
        // Hashes the string-typed settings gave before methods and aggregations became enums: a
        // rerun must still find the runs in result files written then.
        var paper = new BenchmarkHyperparameters();
        Assert.Equal("30b607a104c6", paper.HashFor(LearningMethod.STL));
        Assert.Equal("7483ca696521", paper.HashFor(LearningMethod.TL));
        Assert.Equal("3072e91d5aa3", paper.HashFor(LearningMethod.MoE));
        Assert.Equal("5d114f2d42d0", paper.HashFor(LearningMethod.Ensemble));
        Assert.Equal("29804e753060", paper.HashFor(LearningMethod.Concat));
        var plan = ExperimentPlanReader.Parse("""
            tasks: [a]
            methods: [STL, TL, { method: MoE, topK: 2 }, { method: MoE, aggregation: concat }]
            hyperparameters: { epochs: 3, patience: 3, extractors: [mp_eform, mp_bandgap, jarvis_eform], learningRate: 0.001 }
            """);
        Assert.Equal(new[] { "2356cdfba8f0", "e693820ecf63", "70178771d531", "7428a636afad" }, plan.Runs().Select(r => r.ConfigHash));
    }

    [Fact]
    public void TheRecipeAndFrozenNormalizationChangeOnlyTheKeysOfTheMethodsTheyShape()
    {
        var paper = new BenchmarkHyperparameters();
        var code = paper with { StlRecipe = SingleTaskRecipe.PaperCode };
        var adapt = paper with { FrozenNormalization = FrozenNormalization.Adapt };
        Assert.NotEqual(paper.HashFor(LearningMethod.STL), code.HashFor(LearningMethod.STL));
        Assert.Equal(paper.HashFor(LearningMethod.STL), adapt.HashFor(LearningMethod.STL));
        foreach (var method in new[] { LearningMethod.TL, LearningMethod.MoE, LearningMethod.PaperConcat, LearningMethod.PaperEnsemble })
        {
            Assert.Equal(paper.HashFor(method), code.HashFor(method));
            Assert.NotEqual(paper.HashFor(method), adapt.HashFor(method));
            Assert.NotEqual(adapt.HashFor(method), (paper with { FrozenNormalization = FrozenNormalization.Batch }).HashFor(method));
        }
    }

    [Fact]
    public void MethodsAreReadByNameAndNumbersAreRefused()
    {
        var store = new ResultStore(PathOf("names.jsonl"));
        File.WriteAllText(store.Path,
            "{\"Task\":\"expt_eform\",\"Method\":\"Concat\",\"Seed\":2,\"TestMAE\":0.1,\"ConfigHash\":\"abc\"}\n" +
            "{\"Task\":\"expt_eform\",\"Method\":\"TL\",\"Seed\":2,\"TestMAE\":0.1,\"ConfigHash\":\"abc\"}\n");
        Assert.Equal(new[] { LearningMethod.Concat, LearningMethod.TL }, store.ReadAll().Select(r => r.Method));
        store.Append(BenchmarkFixtures.Run("expt_eform", LearningMethod.Ensemble, 0, 0.1));
        Assert.Contains("\"Method\":\"Ensemble\"", File.ReadAllLines(store.Path)[2]);

        foreach (string method in new[] { "2", "Magic" })
        {
            File.WriteAllText(store.Path, $"{{\"Task\":\"t\",\"Method\":\"{method}\",\"Seed\":0}}\n{{}}\n");
            Assert.Equal(1, Assert.Throws<ResultFileException>(() => store.ReadAll()).Line);
        }
        File.WriteAllText(store.Path, "{\"Task\":\"t\",\"Method\":2,\"Seed\":0}\n{}\n");
        Assert.Equal(1, Assert.Throws<ResultFileException>(() => store.ReadAll()).Line);
        File.WriteAllText(store.Path, "{\"Task\":\"t\",\"Seed\":0}\n{}\n");
        Assert.Contains("Method", Assert.Throws<ResultFileException>(() => store.ReadAll()).Message);
    }

    [Fact]
    public void ASecondResultForARunIsNotAppendedAndWhatIsReadIsMarkedAsFromTheFile()
    {
        var store = new ResultStore(PathOf("once.jsonl"));
        var runs = BenchmarkFixtures.TwoTasks();
        Assert.False(runs[0].FromResultFile);
        Assert.True(store.Append(runs[0]));
        var again = BenchmarkFixtures.Run(runs[0].Task, runs[0].Method, runs[0].Seed, 9.9);
        Assert.False(store.Append(again));
        Assert.True(store.Append(runs[1]));

        var read = store.ReadAll();
        Assert.Equal(new[] { runs[0].GetKey(), runs[1].GetKey() }, read.Select(r => r.GetKey()));
        Assert.Equal(runs[0].TestMAE, store.Find(runs[0].GetKey())!.TestMAE);
        Assert.All(read, r => Assert.True(r.FromResultFile));
        Assert.DoesNotContain("FromResultFile", File.ReadAllText(store.Path));
    }

    [Fact]
    public void ABadLineInTheMiddleIsAnErrorNamingTheLine()
    {
        var store = new ResultStore(PathOf("bad.jsonl"));
        var runs = BenchmarkFixtures.TwoTasks();
        store.Append(runs[0]);
        File.AppendAllText(store.Path, "{\"Task\": \"x\", \"Seed\": \"zero\"}\n");
        store.Append(runs[1]);
        var e = Assert.Throws<ResultFileException>(() => store.ReadAll());
        Assert.Equal(2, e.Line);
        Assert.Contains("line 2", e.Message);
        Assert.Contains(store.Path, e.Message);
    }
}
