using System.Text.Json.Nodes;
using MoePS.Engine.Benchmarks;
using MoePS.Engine.Models.Mixture;
using Xunit;

namespace MoePS.Engine.Tests.Benchmarks;

/// <summary>Result files edited by hand or put together: runs that disagree are named, and units are never averaged together.</summary>
public sealed class ResultConsistencyTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("moeps-consistency-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>A result file of three STL seeds on one task (in eV), then <paramref name="extra"/> lines appended by hand.</summary>
    ResultStore FileWith(params Func<JsonObject, JsonObject>[] extra)
    {
        var store = new ResultStore(Path.Combine(folder, "r.jsonl"));
        var runs = new[] { 26.13, 27.0, 25.0 }.Select((mae, seed) => BenchmarkFixtures.Run("mp_gvrh", LearningMethod.STL, seed, mae)).ToList();
        foreach (var r in runs) store.Append(r);
        string first = File.ReadAllLines(store.Path)[0];
        foreach (var edit in extra) File.AppendAllText(store.Path, edit(JsonNode.Parse(first)!.AsObject()).ToJsonString() + "\n");
        return store;
    }

    [Fact]
    public void TwoLinesOfOneRunWithDifferentMaesAreNamedWithTheLineUsed()
    {
        var store = FileWith(line => { line["TestMAE"] = 349.66; return line; });
        var results = store.ReadAll();

        var conflict = Assert.Single(ResultConflicts.Of(results));
        Assert.Equal($"Results for the same run (mp_gvrh STL seed 0) differ: {store.Path}:1 (test MAE 26.13); {store.Path}:4 (test MAE 349.66). " +
            $"The last, {store.Path}:4, is used.", conflict);
        var summary = Assert.Single(BenchmarkStatistics.Summarise(results));
        Assert.Equal((349.66 + 27 + 25) / 3, summary.MeanTestMAE, 10);
    }

    [Fact]
    public void ARunRepeatedWithTheSameMaesIsNoConflict()
    {
        var store = FileWith(line => line);
        Assert.Empty(ResultConflicts.Of(store.ReadAll()));
    }

    [Fact]
    public void ATaskWithResultsInDifferentUnitsIsNotSummarised()
    {
        var store = FileWith(line =>
        {
            line["Seed"] = 3;
            line["TestMAE"] = 3850;
            line["Unit"] = "meV";
            return line;
        });
        var e = Assert.Throws<InvalidOperationException>(() => BenchmarkStatistics.Summarise(store.ReadAll()));
        Assert.Equal($"The results of task 'mp_gvrh' are in different units: eV in {store.Path}:1, {store.Path}:2, {store.Path}:3; meV in {store.Path}:4. " +
            "Averaging them would mix the units; convert them to one unit (or leave some out) first.", e.Message);
    }

    [Fact]
    public void ResultsFromThePipelineAreNamedByTheirRun()
    {
        var runs = new[]
        {
            BenchmarkFixtures.Run("mp_gvrh", LearningMethod.STL, 0, 0.1),
            new BenchmarkResult { Task = "mp_gvrh", Method = LearningMethod.MoE, Seed = 2, TestMAE = 90, Unit = "meV" },
        };
        var e = Assert.Throws<InvalidOperationException>(() => BenchmarkStatistics.Summarise(runs));
        Assert.Contains("eV in mp_gvrh STL seed 0; meV in mp_gvrh MoE seed 2.", e.Message);
    }
}
