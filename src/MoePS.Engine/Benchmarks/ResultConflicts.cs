using System.Globalization;

namespace MoePS.Engine.Benchmarks;

/// <summary>
/// Results that are the same run (task, method, seed, settings) but disagree: a result file edited by hand or two
/// files put together. Summaries use the last of them; these messages say so, naming each.
/// </summary>
public static class ResultConflicts
{
    /// <summary>One message per run with results that differ in test or validation MAE, in the order the runs first appear.</summary>
    public static IReadOnlyList<string> Of(IEnumerable<BenchmarkResult> results) => results
        .GroupBy(r => r.GetKey())
        .Select(g => g.ToList())
        .Where(g => g.Select(r => (r.TestMAE, r.ValMAE)).Distinct().Count() > 1)
        .Select(g =>
        {
            var run = g[0];
            string settings = run.Settings.Length == 0 ? "" : $", {run.Settings}";
            string each = string.Join("; ", g.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Describe()} (test MAE {r.TestMAE:G6})")));
            return $"Results for the same run ({run.Task} {run.Method} seed {run.Seed}{settings}) differ: {each}. The last, {g[^1].Describe()}, is used.";
        })
        .ToList();
}
