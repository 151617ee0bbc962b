namespace MoePS.Engine.Benchmarks;

/// <summary>
/// Keeping the best-validated of several methods, as a user who trains them all keeps the model with the lowest validation
/// MAE: per task and seed that every candidate ran, the candidate run with the lowest validation MAE (a tie goes to the
/// earlier candidate). The test MAE is never read to choose. Candidates are named by their <see cref="BenchmarkSummary.Variant"/>
/// ("TL from mp_eform", "MoE-18", "MoE-19 (k=4, gateStart=Probe)"), and a seed run twice counts its later run, as in
/// <see cref="BenchmarkStatistics"/>.
/// </summary>
public static class ValidationChoice
{
    /// <summary>The kept run of every task and seed where all <paramref name="candidates"/> ran, by task (as the results order them), then seed.</summary>
    /// <exception cref="ArgumentException">No candidates, one named twice, or one that no result is of.</exception>
    /// <exception cref="InvalidOperationException">A candidate names more than one run set of a task (runs of the same variant with other settings).</exception>
    public static IReadOnlyList<ValidatedRun> Choose(IEnumerable<BenchmarkResult> results, IReadOnlyList<string> candidates)
    {
        var all = results.ToList();
        return Choose(all, BenchmarkStatistics.Summarise(all), candidates).SelectMany(t => t.Kept).ToList();
    }

    /// <summary>Per task where every candidate ran: what keeping the best validated gives (<see cref="ValidatedChoiceSummary"/>).</summary>
    /// <exception cref="ArgumentException">No candidates, one named twice, or one that no result is of.</exception>
    /// <exception cref="InvalidOperationException">A candidate names more than one run set of a task.</exception>
    public static IReadOnlyList<ValidatedChoiceSummary> Summarise(IEnumerable<BenchmarkResult> results, IReadOnlyList<string> candidates)
    {
        var all = results.ToList();
        var summaries = BenchmarkStatistics.Summarise(all);
        return Choose(all, summaries, candidates).Select(t => Summarise(all, summaries, t.Sets, t.Kept, candidates)).ToList();
    }

    static IEnumerable<(List<BenchmarkSummary> Sets, List<ValidatedRun> Kept)> Choose(List<BenchmarkResult> results,
        IReadOnlyList<BenchmarkSummary> summaries, IReadOnlyList<string> candidates)
    {
        if (candidates.Count == 0) throw new ArgumentException("Name at least one candidate.", nameof(candidates));
        var twice = candidates.GroupBy(c => c, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (twice != null) throw new ArgumentException($"The candidate '{twice.Key}' is named twice.", nameof(candidates));
        var variants = summaries.Select(s => s.Variant).Distinct().ToList();
        var unknown = candidates.Where(c => !variants.Contains(c)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException(
                $"No results are of {string.Join(", ", unknown.Select(c => $"'{c}'"))}. The results hold " +
                string.Join(", ", variants.Select(v => $"'{v}'")) + " (Measure-MoeBenchmark's Variant column).", nameof(candidates));
        foreach (var task in summaries.GroupBy(s => s.Task))
        {
            var sets = new List<BenchmarkSummary>();
            foreach (string candidate in candidates)
            {
                var named = task.Where(s => s.Variant == candidate).ToList();
                if (named.Count > 1)
                    throw new InvalidOperationException(
                        $"'{candidate}' names {named.Count} run sets of {task.Key}, with the settings " +
                        string.Join(" and ", named.Select(s => $"'{s.Settings}'")) + ". Pass the results of one of them (e.g. filter by Settings).");
                if (named.Count == 1) sets.Add(named[0]);
            }
            if (sets.Count < candidates.Count) continue;
            var runs = sets.Select(s => BenchmarkStatistics.RunsOf(results, s).ToDictionary(r => r.Seed)).ToList();
            var kept = runs[0].Keys.Where(seed => runs.All(r => r.ContainsKey(seed))).Order()
                .Select(seed =>
                {
                    int best = 0;
                    for (int c = 1; c < runs.Count; c++)
                        if (runs[c][seed].ValMAE < runs[best][seed].ValMAE) best = c;
                    return new ValidatedRun(task.Key, seed, candidates[best], runs[best][seed]);
                })
                .ToList();
            if (kept.Count > 0) yield return (sets, kept);
        }
    }

    static ValidatedChoiceSummary Summarise(List<BenchmarkResult> results, IReadOnlyList<BenchmarkSummary> summaries,
        List<BenchmarkSummary> sets, List<ValidatedRun> kept, IReadOnlyList<string> candidates)
    {
        string task = kept[0].Task, recipe = sets[0].Recipe;
        var test = kept.Select(k => k.TestMAE).ToList();
        var bySeed = kept.ToDictionary(k => k.Seed, k => k.TestMAE);
        PairedComparison? Versus(string variant)
        {
            var baseline = summaries.Where(s => s.Task == task && s.Variant == variant && s.Recipe == recipe)
                .OrderByDescending(s => s.Seeds).FirstOrDefault();
            return baseline == null ? null
                : PairedComparison.Of(bySeed, BenchmarkStatistics.RunsOf(results, baseline).ToDictionary(r => r.Seed, r => r.TestMAE));
        }
        return (ValidatedChoiceSummary)new ValidatedChoiceSummary
        {
            Task = task,
            Candidates = string.Join("; ", candidates),
            Seeds = kept.Count,
            Unit = sets[0].Unit,
            MeanTestMAE = Statistics.Mean(test),
            StdTestMAE = Statistics.SampleStandardDeviation(test),
            Kept = string.Join("; ", kept.Select(k => k.Kept)),
            PaperMoE18 = PaperResults.Table3Row(task)?.MoE.Mean,
            Recipe = recipe,
        }.ComparedWith(Versus("STL"), Versus($"TL from {PaperResults.Table3TransferSource}"));
    }
}
