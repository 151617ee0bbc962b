using MoePS.Engine.Models.Mixture;

namespace MoePS.Engine.Benchmarks;

/// <summary>Summarises benchmark results per task × method × settings, beside the paper's values.</summary>
public static class BenchmarkStatistics
{
    /// <summary>
    /// One summary per (task, method, settings hash), ordered by <see cref="BenchmarkSummary.Recipe"/> (the paper's first), then as
    /// the paper's Table 3 (other tasks after, by name), methods in <see cref="LearningMethod"/> order, then by k and settings. A seed reported
    /// twice for the same settings counts once (the later result). The STL and TL baselines of a run set
    /// (for the improvement and the paired comparisons) are the task's runs of that method whose settings are
    /// closest to its own: the most settings in common less those only the baseline has (so Fast-preset
    /// mixtures are compared with Fast-preset STL, an adapt-normalised mixture with default STL, and a mixture with TL from
    /// the paper's source, mp_eform, before TL from another, whose settings name its transferFrom), then the most seeds.
    /// A mixture whose gate did not start at the paper's ones has no paper value.
    /// </summary>
    /// <exception cref="InvalidOperationException">A task has results in more than one unit.</exception>
    public static IReadOnlyList<BenchmarkSummary> Summarise(IEnumerable<BenchmarkResult> results)
    {
        results = results.ToList();
        CheckUnits(results);
        var groups = RunSets(results);

        var baselines = groups.Where(g => g[0].Method is LearningMethod.STL or LearningMethod.TL)
            .ToLookup(g => (g[0].Task, g[0].Method));

        var drafts = groups.Select(g => Summarise(g, baselines)).ToList();
        var bestPerTask = drafts.GroupBy(s => s.Task)
            .ToDictionary(t => t.Key, t => t.Min(s => s.MeanTestMAE));

        return drafts
            .Select(s => s with { IsBest = s.MeanTestMAE == bestPerTask[s.Task] })
            .OrderBy(s => s.Recipe, StringComparer.Ordinal)
            .ThenBy(s => TaskOrder(s.Task)).ThenBy(s => s.Task, StringComparer.Ordinal)
            .ThenBy(s => s.Method)
            .ThenBy(s => s.TopK ?? int.MaxValue).ThenBy(s => s.ExtractorCount)
            .ThenBy(s => s.Settings, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// <paramref name="ours"/> against <paramref name="baseline"/> (two summaries of <paramref name="results"/>, e.g. TL from one
    /// source against TL from another, or a 19-expert mixture against MoE-18) over the seeds both ran: the mean paired
    /// difference of test MAE and on how many seeds <paramref name="ours"/> was lower, as the summaries compare with STL and TL.
    /// Null when they share no seed.
    /// </summary>
    public static PairedComparison? Compare(IEnumerable<BenchmarkResult> results, BenchmarkSummary ours, BenchmarkSummary baseline)
    {
        ArgumentNullException.ThrowIfNull(ours);
        ArgumentNullException.ThrowIfNull(baseline);
        var sets = RunSets(results);
        return Versus(RunSetOf(sets, ours), RunSetOf(sets, baseline));
    }

    /// <summary>
    /// The runs of <paramref name="summary"/> in <paramref name="results"/>: one per seed (the later of a seed run twice), by
    /// seed, as the summary counted them.
    /// </summary>
    public static IReadOnlyList<BenchmarkResult> RunsOf(IEnumerable<BenchmarkResult> results, BenchmarkSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return RunSetOf(RunSets(results), summary);
    }

    /// <summary>The results grouped by (task, method, settings hash), one result per seed (the later), by seed.</summary>
    static List<List<BenchmarkResult>> RunSets(IEnumerable<BenchmarkResult> results) => results
        .GroupBy(r => (r.Task, r.Method, r.ConfigHash))
        .Select(g => g.GroupBy(r => r.Seed).Select(s => s.Last()).OrderBy(r => r.Seed).ToList())
        .ToList();

    static List<BenchmarkResult> RunSetOf(List<List<BenchmarkResult>> sets, BenchmarkSummary summary) =>
        sets.FirstOrDefault(g => (g[0].Task, g[0].Method, g[0].ConfigHash) == (summary.Task, summary.Method, summary.ConfigHash))
        ?? throw new ArgumentException($"The results have no runs of {summary}.", nameof(summary));

    /// <summary>Refuses a task whose results are in different units (their means and comparisons would mix them), naming where each comes from.</summary>
    static void CheckUnits(IEnumerable<BenchmarkResult> results)
    {
        foreach (var task in results.Where(r => r.Unit != null).GroupBy(r => r.Task))
        {
            var units = task.GroupBy(r => r.Unit!, StringComparer.Ordinal).ToList();
            if (units.Count > 1)
                throw new InvalidOperationException(
                    $"The results of task '{task.Key}' are in different units: " +
                    string.Join("; ", units.Select(u => $"{u.Key} in {string.Join(", ", u.Select(r => r.Describe()))}")) +
                    ". Averaging them would mix the units; convert them to one unit (or leave some out) first.");
        }
    }

    /// <summary>The run set of <paramref name="method"/> on the runs' task whose settings are closest to theirs (see <see cref="Summarise(IEnumerable{BenchmarkResult})"/>).</summary>
    static List<BenchmarkResult>? Baseline(List<BenchmarkResult> runs, LearningMethod method,
        ILookup<(string Task, LearningMethod Method), List<BenchmarkResult>> baselines)
    {
        var own = SettingPairs(runs[0].Settings);
        return baselines[(runs[0].Task, method)]
            .OrderByDescending(b => Closeness(own, SettingPairs(b[0].Settings)))
            .ThenByDescending(b => b.Count)
            .FirstOrDefault();
    }

    static int Closeness(HashSet<string> own, HashSet<string> other) => other.Count(own.Contains) - other.Count(p => !own.Contains(p));

    static HashSet<string> SettingPairs(string settings) => BenchmarkHyperparameters.PairsOf(settings).ToHashSet(StringComparer.Ordinal);

    static BenchmarkSummary Summarise(List<BenchmarkResult> runs, ILookup<(string Task, LearningMethod Method), List<BenchmarkResult>> baselines)
    {
        var first = runs[0];
        var test = runs.Select(r => r.TestMAE).ToList();
        double mean = Statistics.Mean(test);
        var extractors = first.Extractors.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var gateStart = first.Method.IsMixture() ? BenchmarkHyperparameters.GateStartOf(first.Settings) : null;
        // The paper's gates all started at ones: a mixture started otherwise is not the setting its tables report.
        var paper = first.Method.IsMixture() && gateStart != GateStart.Ones ? null
            : PaperResults.Lookup(first.Task, first.Method, first.TopK, extractors);
        var stl = Baseline(runs, LearningMethod.STL, baselines);
        var versusStl = first.Method == LearningMethod.STL ? null : Versus(runs, stl);
        var versusTl = first.Method is LearningMethod.STL or LearningMethod.TL ? null
            : Versus(runs, Baseline(runs, LearningMethod.TL, baselines));
        return (BenchmarkSummary)new BenchmarkSummary
        {
            Task = first.Task,
            Method = first.Method,
            TopK = first.TopK,
            ExtractorCount = extractors.Length,
            Extractors = string.Join(",", extractors),
            GateStart = gateStart,
            Seeds = runs.Count,
            Rows = first.Rows,
            Unit = first.Unit,
            MeanTestMAE = mean,
            StdTestMAE = Statistics.SampleStandardDeviation(test),
            MeanValMAE = Statistics.Mean(runs.Select(r => r.ValMAE).ToList()),
            ImprovementOverSTL = stl == null ? null : Statistics.ImprovementPercent(mean, Statistics.Mean(stl.Select(r => r.TestMAE).ToList())),
            PaperMAE = paper?.Mean,
            PaperStd = paper?.Std,
            PaperSource = paper?.Source,
            RatioToPaper = paper == null ? null : mean / paper.Mean,
            DifferenceInPaperStds = paper is { Std: > 0 } ? (mean - paper.Mean) / paper.Std.Value : null,
            MeanSeconds = Statistics.Mean(runs.Select(r => r.Seconds).ToList()),
            ConfigHash = first.ConfigHash,
            Settings = first.Settings,
        }.ComparedWith(versusStl, versusTl);
    }

    static PairedComparison? Versus(List<BenchmarkResult> runs, List<BenchmarkResult>? baseline) => baseline == null ? null
        : PairedComparison.Of(runs.ToDictionary(r => r.Seed, r => r.TestMAE), baseline.ToDictionary(r => r.Seed, r => r.TestMAE));

    static int TaskOrder(string task)
    {
        for (int i = 0; i < PaperResults.Table3.Count; i++)
            if (PaperResults.Table3[i].Task == task) return i;
        return int.MaxValue;
    }
}
