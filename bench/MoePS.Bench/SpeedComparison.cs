using System.Globalization;

namespace MoePS.Bench;

/// <summary>The results of an epoch-time benchmark: MoePS's series, the paper code's when it ran, and their ratio.</summary>
internal static class SpeedComparison
{
    /// <summary>
    /// MoePS's numbers as <paramref name="name"/>.*; with the paper code's series, its numbers as
    /// <paramref name="name"/>.paper_code.* and <paramref name="name"/>.speedup_vs_paper_code (its median over MoePS's).
    /// </summary>
    public static IEnumerable<BenchResult> Results(string name, string details, EpochSeries moeps, EpochSeries? paper)
    {
        foreach (var r in moeps.Results(name, details)) yield return r;
        if (paper is null) yield break;
        foreach (var r in paper.Results($"{name}.paper_code", $"the paper's code (bench/reference/paper_epochs.py), {details}")) yield return r;
        yield return Ratio($"{name}.speedup_vs_paper_code", paper, moeps, "paper code / MoePS");
    }

    /// <summary>The ratio of two series' medians, both sides' loads in its details.</summary>
    public static BenchResult Ratio(string name, EpochSeries numerator, EpochSeries denominator, string what) =>
        new(name, numerator.Median / denominator.Median, "x", string.Create(CultureInfo.InvariantCulture,
            $"{what}, median epoch {numerator.Median:F3} s / {denominator.Median:F3} s (ranges {numerator.Min:F3}-{numerator.Max:F3} and " +
            $"{denominator.Min:F3}-{denominator.Max:F3} s); load averages {numerator.LoadAtStart} -> {numerator.LoadAtEnd} and " +
            $"{denominator.LoadAtStart} -> {denominator.LoadAtEnd}"));
}
