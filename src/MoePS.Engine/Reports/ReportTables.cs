using System.Globalization;
using MoePS.Engine.Benchmarks;
using MoePS.Engine.Models.Mixture;
using MoePS.Engine.Training;

namespace MoePS.Engine.Reports;

/// <summary>The columns and cells of the report's tables.</summary>
static class ReportTables
{
    /// <summary>
    /// What a reader of the comparison needs, narrow enough to print on one landscape page in readable type. Δ is the mean
    /// paired difference of test MAE over the seeds both ran (negative: better); wins count those seeds.
    /// </summary>
    public static readonly IReadOnlyList<string> SummaryHeader = new[]
    {
        "Task", "Method", "Settings", "Seeds", "Unit", "Mean", "Std", "Paper", "Δ vs STL", "Wins vs STL", "Δ vs TL", "Wins vs TL",
    };

    public static IReadOnlyList<IReadOnlyList<CellData>> SummaryRows(IReadOnlyList<BenchmarkSummary> summaries) =>
        summaries.Select(s => (IReadOnlyList<CellData>)new[]
        {
            CellData.Of(s.Task), CellData.Of(s.Method.ToString()), CellData.Of(Abbreviated(s.Settings)), CellData.Of(s.Seeds, ReportStyle.WholeNumber),
            CellData.Of(s.Unit),
            CellData.Of(s.MeanTestMAE, s.IsBest ? ReportStyle.MaeBold : ReportStyle.Mae), CellData.Of(s.StdTestMAE, ReportStyle.Mae),
            CellData.Of(s.Paper, ReportStyle.RightText),
            CellData.Of(s.PairedDifferenceToSTL, ReportStyle.Mae), CellData.Of(SeedsBetter(s.SeedsBetterThanSTL, s.PairedSeedsWithSTL), ReportStyle.RightText),
            CellData.Of(s.PairedDifferenceToTL, ReportStyle.Mae), CellData.Of(SeedsBetter(s.SeedsBetterThanTL, s.PairedSeedsWithTL), ReportStyle.RightText),
        }).ToList();

    static readonly string FastRecipe = new BenchmarkHyperparameters().With(TrainingPreset.Fast).Describe(LearningMethod.STL);

    /// <summary>A settings text with the Fast preset's epochs and patience named "Fast" (the Details sheet has them in full).</summary>
    static string Abbreviated(string settings) =>
        settings == FastRecipe ? "Fast" : settings.StartsWith(FastRecipe + ";", StringComparison.Ordinal) ? "Fast" + settings[FastRecipe.Length..] : settings;

    /// <summary>The rest of each summary row: the mixture's shape, the dataset, the paper's numbers apart, the distance to them, cost.</summary>
    public static readonly IReadOnlyList<string> DetailsHeader = new[]
    {
        "Task", "Method", "Settings", "TopK", "Extractors", "Rows", "Unit", "Improvement over STL", "Paper mean", "Paper std",
        "Paper source", "Ours / paper", "Paper stds off", "Val MAE", "Seconds",
    };

    public static IReadOnlyList<IReadOnlyList<CellData>> DetailsRows(IReadOnlyList<BenchmarkSummary> summaries) =>
        summaries.Select(s => (IReadOnlyList<CellData>)new[]
        {
            CellData.Of(s.Task), CellData.Of(s.Method.ToString()), CellData.Of(s.Settings), CellData.Of(s.TopK, ReportStyle.WholeNumber),
            CellData.Of(s.ExtractorCount, ReportStyle.WholeNumber), CellData.Of(s.Rows, ReportStyle.WholeNumber), CellData.Of(s.Unit),
            CellData.Of(s.ImprovementOverSTL, ReportStyle.Percent),
            CellData.Of(s.PaperMAE, ReportStyle.Mae), CellData.Of(s.PaperStd, ReportStyle.Mae), CellData.Of(s.PaperSource),
            CellData.Of(s.RatioToPaper, ReportStyle.Ratio), CellData.Of(s.DifferenceInPaperStds, ReportStyle.Ratio),
            CellData.Of(s.MeanValMAE, ReportStyle.Mae), CellData.Of(s.MeanSeconds, ReportStyle.Seconds),
        }).ToList();

    /// <summary>"4/5": better on 4 of the 5 seeds both ran.</summary>
    static string? SeedsBetter(int? better, int? seeds) => seeds is int n ? FormattableString.Invariant($"{better}/{n}") : null;

    public static readonly IReadOnlyList<string> RunHeader = new[]
    {
        "Task", "Method", "Seed", "Rows", "TestMAE", "ValMAE", "Unit", "BestEpoch", "Epochs", "Seconds", "Device",
        "TopK", "Extractors", "GateScores", "Settings", "ConfigHash", "Finished",
    };

    public static IReadOnlyList<CellData> RunRow(BenchmarkResult r) => new[]
    {
        CellData.Of(r.Task), CellData.Of(r.Method.ToString()), CellData.Of(r.Seed, ReportStyle.WholeNumber), CellData.Of(r.Rows, ReportStyle.WholeNumber),
        CellData.Of(r.TestMAE, ReportStyle.Mae), CellData.Of(r.ValMAE, ReportStyle.Mae), CellData.Of(r.Unit),
        CellData.Of(r.BestEpoch, ReportStyle.WholeNumber), CellData.Of(r.Epochs, ReportStyle.WholeNumber),
        CellData.Of(r.Seconds, ReportStyle.Seconds), CellData.Of(r.Device), CellData.Of(r.TopK, ReportStyle.WholeNumber),
        CellData.Of(r.Extractors), CellData.Of(r.GateScores), CellData.Of(r.Settings), CellData.Of(r.ConfigHash),
        CellData.Of(r.Finished == default ? null : r.Finished.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture)),
    };

    /// <summary>Index of the first extractor column in the GateScores sheet.</summary>
    public const int GateFirstScoreColumn = 2;

    static readonly string[] GateLeadingHeader = { "Task", "Mixture" };

    public static IReadOnlyList<string> GateHeader(GateScoreTable t) => GateLeadingHeader.Concat(t.Extractors).ToList();

    public static IReadOnlyList<IReadOnlyList<CellData>> GateRows(GateScoreTable t) =>
        Enumerable.Range(0, t.RowLabels.Count).Select(i => (IReadOnlyList<CellData>)
            new[] { CellData.Of(t.Tasks[i]), CellData.Of(t.Variants[i]) }
                .Concat(Enumerable.Range(0, t.Extractors.Count).Select(j => CellData.Of(t.Scores[i, j], ReportStyle.Score)))
                .ToList()).ToList();
}
