using System.Text;
using MoePS.Engine.Benchmarks;
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
        var runs = BenchmarkFixtures.TwoTasks();
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
        }
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
        Assert.Contains(new BenchmarkRunKey("jarvis_2d_gap_tbmbj", "STL", 0, "h"), keys);
        Assert.Contains(new BenchmarkRunKey("jarvis_2d_gap_tbmbj", "MoE", 0, "h"), keys);
        Assert.DoesNotContain(new BenchmarkRunKey("jarvis_2d_gap_tbmbj", "STL", 1, "h"), keys);
        Assert.DoesNotContain(new BenchmarkRunKey("jarvis_2d_gap_tbmbj", "STL", 0, "other-settings"), keys);
    }

    [Fact]
    public void PlannedRunKeysMatchTheKeysOfTheirResults()
    {
        var settings = new BenchmarkHyperparameters { Epochs = 5, TopK = 4 };
        var planned = new PlannedRun("expt_eform", "MoE", 3, settings);
        var store = new ResultStore(PathOf("planned.jsonl"));
        store.Append(BenchmarkFixtures.Run("expt_eform", "MoE", 3, 0.1, hash: planned.ConfigHash));
        Assert.Contains(planned.Key, store.FinishedKeys());
        // STL ignores mixture settings, so changing k keeps its key; MoE's key changes.
        Assert.Equal(settings.HashFor("STL"), (settings with { TopK = 2 }).HashFor("STL"));
        Assert.NotEqual(settings.HashFor("MoE"), (settings with { TopK = 2 }).HashFor("MoE"));
        Assert.NotEqual(settings.HashFor("STL"), (settings with { Epochs = 6 }).HashFor("STL"));
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
