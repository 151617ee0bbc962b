namespace MoePS.Engine.Benchmarks;

/// <summary>
/// What keeping the best-validated of several run sets gives on one task (<see cref="ValidationChoice"/>): the kept runs'
/// test MAE over the seeds every candidate ran, which candidate each seed kept, paired comparisons with STL and TL, and the
/// paper's MoE-18 mean. Flat, like <see cref="BenchmarkSummary"/>, so it exports cleanly to CSV and Excel.
/// </summary>
public sealed record ValidatedChoiceSummary : ComparedSummary
{
    public string Task { get; init; } = "";

    /// <summary>The candidates' variant names (<see cref="BenchmarkSummary.Variant"/>), in the order that settles ties, joined by "; ".</summary>
    public string Candidates { get; init; } = "";

    /// <summary>Seeds that every candidate ran.</summary>
    public int Seeds { get; init; }

    public string? Unit { get; init; }
    public override double MeanTestMAE { get; init; }

    /// <summary>Sample standard deviation over seeds; null with a single seed.</summary>
    public double? StdTestMAE { get; init; }

    /// <summary>"0.114 ± 0.006", to three significant digits as in the paper.</summary>
    public string TestMAE => MeanStdFormat.Format(MeanTestMAE, StdTestMAE);

    /// <summary>The candidate kept on each seed, by seed, joined by "; ".</summary>
    public string Kept { get; init; } = "";

    /// <summary>The paper's MoE-18 mean on the task (Table 3); null for a task it does not report.</summary>
    public double? PaperMoE18 { get; init; }

    /// <summary>Whether <see cref="MeanTestMAE"/> is at or below <see cref="PaperMoE18"/>; null without a paper value.</summary>
    public bool? AtOrBelowPaperMoE18 => PaperMoE18 is double p ? MeanTestMAE <= p : null;

    /// <summary>The part of the candidates' settings that every method shares (<see cref="BenchmarkSummary.Recipe"/>).</summary>
    public string Recipe { get; init; } = "";

    public override string ToString() => $"{Task}, validated best of {Candidates}: {TestMAE} ({Seeds} seeds)";
}
