namespace MoePS.Engine.Benchmarks;

/// <summary>
/// A method against a baseline over the seeds both ran (seed K is split K, so each pair shares its data):
/// the mean of (ours − baseline) test MAE, and on how many of those seeds ours was lower.
/// </summary>
public sealed record PairedComparison(double MeanDifference, int Better, int Seeds)
{
    /// <summary>
    /// Pairs <paramref name="ours"/> with <paramref name="baseline"/> by seed (seed → test MAE); null when they share no seed.
    /// </summary>
    public static PairedComparison? Of(IReadOnlyDictionary<int, double> ours, IReadOnlyDictionary<int, double> baseline)
    {
        ArgumentNullException.ThrowIfNull(ours);
        ArgumentNullException.ThrowIfNull(baseline);
        var differences = ours.Where(o => baseline.ContainsKey(o.Key)).Select(o => o.Value - baseline[o.Key]).ToList();
        return differences.Count == 0 ? null : new PairedComparison(Statistics.Mean(differences), differences.Count(d => d < 0), differences.Count);
    }

    /// <summary>
    /// A comparison as the summaries show it, "-0.012 (4/5 better)" (the difference to the digits that
    /// <paramref name="scale"/>, the mean compared, warrants); null without one.
    /// </summary>
    public static string? Describe(double? difference, int? better, int? seeds, double scale) => difference is double d
        ? FormattableString.Invariant($"{MeanStdFormat.Difference(d, scale)} ({better}/{seeds} better)")
        : null;
}
