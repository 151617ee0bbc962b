using MoePS.Engine.Benchmarks;
using MoePS.Engine.Models;

namespace MoePS.Engine.Reports;

/// <summary>
/// Mean gate score over seeds, one row per task and mixture setting, one column per extractor
/// (in the order the runs list them) — the data of the paper's Fig. 4.
/// </summary>
public sealed class GateScoreTable
{
    GateScoreTable(IReadOnlyList<string> tasks, IReadOnlyList<string> variants, IReadOnlyList<string> rowLabels,
        IReadOnlyList<string> extractors, double[,] scores)
    {
        Tasks = tasks;
        Variants = variants;
        RowLabels = rowLabels;
        Extractors = extractors;
        Scores = scores;
    }

    public IReadOnlyList<string> Tasks { get; }

    /// <summary>The mixture setting of each row: method, and k when set ("MoE k=2").</summary>
    public IReadOnlyList<string> Variants { get; }

    /// <summary>The task, with method and k added when a task has several mixture settings.</summary>
    public IReadOnlyList<string> RowLabels { get; }

    public IReadOnlyList<string> Extractors { get; }

    /// <summary>[row, extractor]; 0 where an extractor wasn't in the mixture or wasn't selected.</summary>
    public double[,] Scores { get; }

    public static GateScoreTable From(IEnumerable<BenchmarkResult> results)
    {
        var groups = results.Where(r => r.GateScoreDictionary.Count > 0)
            .GroupBy(r => (r.Task, r.Method, r.ConfigHash))
            .Select(g => g.GroupBy(r => r.Seed).Select(s => s.Last()).ToList())
            .OrderBy(g => g[0].Task, StringComparer.Ordinal)
            .ThenBy(g => g[0].Method).ThenBy(g => g[0].TopK ?? int.MaxValue)
            .ToList();
        var extractors = groups.SelectMany(g => g).SelectMany(r => r.GateScoreDictionary.Keys).Distinct().ToList();
        var variantsPerTask = groups.GroupBy(g => g[0].Task).ToDictionary(t => t.Key, t => t.Count());

        var scores = new double[groups.Count, extractors.Count];
        for (int i = 0; i < groups.Count; i++)
            for (int j = 0; j < extractors.Count; j++)
                scores[i, j] = groups[i].Average(r => r.GateScoreDictionary.TryGetValue(extractors[j], out double s) ? s : 0);

        var variants = groups.Select(g => g[0].Method + (g[0].TopK is int k ? $" k={k}" : "")).ToList();
        var labels = groups.Select((g, i) => variantsPerTask[g[0].Task] == 1 ? g[0].Task : $"{g[0].Task} ({variants[i]})").ToList();
        return new GateScoreTable(groups.Select(g => g[0].Task).ToList(), variants, labels, extractors, scores);
    }
}
