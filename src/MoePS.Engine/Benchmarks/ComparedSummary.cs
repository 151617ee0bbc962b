namespace MoePS.Engine.Benchmarks;

/// <summary>
/// A test MAE summary over seeds, compared seed by seed (seed K is split K) with the task's STL and TL runs: what
/// <see cref="BenchmarkSummary"/> and <see cref="ValidatedChoiceSummary"/> share. Flat, for CSV and Excel.
/// </summary>
public abstract record ComparedSummary
{
    /// <summary>The mean test MAE over the seeds summarised, the scale the comparisons are shown to.</summary>
    public abstract double MeanTestMAE { get; init; }

    /// <summary>Mean over the seeds both ran of (this − STL) test MAE, in the task's unit (negative: better); null for STL or without STL runs on those seeds.</summary>
    public double? PairedDifferenceToSTL { get; init; }

    /// <summary>On how many of the <see cref="PairedSeedsWithSTL"/> seeds this had the lower test MAE than STL.</summary>
    public int? SeedsBetterThanSTL { get; init; }

    /// <summary>Seeds both this and STL ran.</summary>
    public int? PairedSeedsWithSTL { get; init; }

    /// <summary>Mean over the seeds both ran of (this − TL) test MAE (negative: better); null for STL and TL or without TL runs on those seeds.</summary>
    public double? PairedDifferenceToTL { get; init; }

    /// <summary>On how many of the <see cref="PairedSeedsWithTL"/> seeds this had the lower test MAE than TL.</summary>
    public int? SeedsBetterThanTL { get; init; }

    /// <summary>Seeds both this and TL ran.</summary>
    public int? PairedSeedsWithTL { get; init; }

    /// <summary>The paired comparison with STL as "-0.012 (4/5 better)".</summary>
    public string? VersusSTL => PairedComparison.Describe(PairedDifferenceToSTL, SeedsBetterThanSTL, PairedSeedsWithSTL, MeanTestMAE);

    /// <summary>The paired comparison with TL as "-0.012 (4/5 better)".</summary>
    public string? VersusTL => PairedComparison.Describe(PairedDifferenceToTL, SeedsBetterThanTL, PairedSeedsWithTL, MeanTestMAE);

    /// <summary>A copy with the comparisons against <paramref name="stl"/> and <paramref name="tl"/> (either null: none).</summary>
    public ComparedSummary ComparedWith(PairedComparison? stl, PairedComparison? tl) => this with
    {
        PairedDifferenceToSTL = stl?.MeanDifference,
        SeedsBetterThanSTL = stl?.Better,
        PairedSeedsWithSTL = stl?.Seeds,
        PairedDifferenceToTL = tl?.MeanDifference,
        SeedsBetterThanTL = tl?.Better,
        PairedSeedsWithTL = tl?.Seeds,
    };
}
