using MoePS.Engine.Benchmarks;
using MoePS.Engine.Models.Mixture;
using Xunit;

namespace MoePS.Engine.Tests.Benchmarks;

public class ValidationChoiceTests
{
    const string Task = "jarvis_2d_gap_tbmbj";
    const string Fast = "epochs=200; patience=50";
    static readonly string[] Candidates = { "TL from mp_eform", "MoE-4" };

    static BenchmarkResult Run(LearningMethod method, int seed, double test, double validation, string settings = Fast, string task = Task) => new()
    {
        Task = task, Method = method, Seed = seed, Rows = 120, TestMAE = test, ValMAE = validation, Unit = "eV", Device = "cpu",
        TopK = method.IsMixture() ? 4 : null,
        Extractors = method switch
        {
            LearningMethod.STL => "",
            LearningMethod.TL => "mp_eform",
            _ => string.Join(",", BenchmarkFixtures.Extractors),
        },
        ConfigHash = $"{method}-{settings}", Settings = settings,
    };

    /// <summary>
    /// TEST FIXTURE: seed 0 validates TL better (0.5 against 0.7), seed 1 the mixture (0.6 against 0.9), seed 2 ties (0.5):
    /// the tie goes to TL, the first candidate. TL's seed 0 ran twice; the later run (validation 0.5, test 1.5) counts. Only
    /// the mixture ran seed 3, so it does not count. STL ran seeds 0-2 at 2.0.
    /// </summary>
    static List<BenchmarkResult> Fixture() => new()
    {
        Run(LearningMethod.STL, 0, 2.0, 1.0), Run(LearningMethod.STL, 1, 2.0, 1.0), Run(LearningMethod.STL, 2, 2.0, 1.0),
        Run(LearningMethod.TL, 0, 9.0, 0.1),
        Run(LearningMethod.TL, 0, 1.5, 0.5), Run(LearningMethod.TL, 1, 1.6, 0.9), Run(LearningMethod.TL, 2, 1.7, 0.5),
        Run(LearningMethod.MoE, 0, 1.0, 0.7), Run(LearningMethod.MoE, 1, 1.1, 0.6), Run(LearningMethod.MoE, 2, 1.2, 0.5),
        Run(LearningMethod.MoE, 3, 9.0, 0.0),
    };

    [Fact]
    public void KeepsPerSeedTheLowestValidationMaeTheEarlierCandidateOnATieAndTheLaterRunOfASeed()
    {
        var kept = ValidationChoice.Choose(Fixture(), Candidates);
        Assert.Equal(new[] { 0, 1, 2 }, kept.Select(k => k.Seed));
        Assert.Equal(new[] { "TL from mp_eform", "MoE-4", "TL from mp_eform" }, kept.Select(k => k.Kept));
        Assert.Equal(new[] { 1.5, 1.1, 1.7 }, kept.Select(k => k.TestMAE));
        Assert.All(kept, k => Assert.Equal(Task, k.Task));
    }

    [Fact]
    public void SummarisesTheKeptRunsAgainstStlTlAndThePaper()
    {
        var summary = Assert.Single(ValidationChoice.Summarise(Fixture(), Candidates));
        Assert.Equal(Task, summary.Task);
        Assert.Equal("TL from mp_eform; MoE-4", summary.Candidates);
        Assert.Equal(3, summary.Seeds);
        Assert.Equal((1.5 + 1.1 + 1.7) / 3, summary.MeanTestMAE, 12);
        Assert.Equal(Statistics.SampleStandardDeviation(new[] { 1.5, 1.1, 1.7 })!.Value, summary.StdTestMAE!.Value, 12);
        Assert.Equal("TL from mp_eform; MoE-4; TL from mp_eform", summary.Kept);
        Assert.Equal((1.5 + 1.1 + 1.7) / 3 - 2.0, summary.PairedDifferenceToSTL!.Value, 12);
        Assert.Equal((3, 3), (summary.SeedsBetterThanSTL, summary.PairedSeedsWithSTL));
        // Against TL the kept runs tie on seeds 0 and 2 (the same runs) and win on seed 1 only.
        Assert.Equal(-0.5 / 3, summary.PairedDifferenceToTL!.Value, 12);
        Assert.Equal((1, 3), (summary.SeedsBetterThanTL, summary.PairedSeedsWithTL));
        Assert.Equal(PaperResults.Table3Row(Task)!.MoE.Mean, summary.PaperMoE18);
        Assert.Equal(summary.MeanTestMAE <= summary.PaperMoE18, summary.AtOrBelowPaperMoE18);
        Assert.Equal(Fast, summary.Recipe);
        Assert.Equal("eV", summary.Unit);
    }

    [Fact]
    public void LeavesOutTasksWhereACandidateDidNotRunAndRefusesOneThatNeverRan()
    {
        var results = Fixture();
        results.Add(Run(LearningMethod.TL, 0, 1.0, 1.0, task: "mp_poisson_ratio"));
        Assert.Equal(new[] { Task }, ValidationChoice.Summarise(results, Candidates).Select(s => s.Task));
        var unknown = Assert.Throws<ArgumentException>(() => ValidationChoice.Summarise(Fixture(), new[] { "TL from mp_eform", "MoE-18" }));
        Assert.Contains("No results are of 'MoE-18'", unknown.Message);
        Assert.Contains("'MoE-4'", unknown.Message);
    }

    [Fact]
    public void RefusesACandidateThatNamesTwoRunSetsAndOneNamedTwice()
    {
        var results = Fixture();
        results.Add(Run(LearningMethod.TL, 0, 1.0, 0.4, settings: "epochs=100; patience=50"));
        var ambiguous = Assert.Throws<InvalidOperationException>(() => ValidationChoice.Summarise(results, Candidates));
        Assert.Contains("'TL from mp_eform' names 2 run sets of jarvis_2d_gap_tbmbj", ambiguous.Message);
        Assert.Contains("epochs=100; patience=50", ambiguous.Message);
        Assert.Throws<ArgumentException>(() => ValidationChoice.Choose(Fixture(), new[] { "MoE-4", "MoE-4" }));
        Assert.Throws<ArgumentException>(() => ValidationChoice.Choose(Fixture(), Array.Empty<string>()));
    }
}
