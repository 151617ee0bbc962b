namespace MoePS.Engine.Benchmarks;

/// <summary>
/// A benchmark experiment: tasks × methods × seeds with their settings, where results go, and
/// on which device — usually read from YAML by <see cref="ExperimentPlanReader"/>.
/// </summary>
public sealed record ExperimentPlan
{
    public string Name { get; init; } = "";
    public string? Description { get; init; }
    public IReadOnlyList<string> Tasks { get; init; } = Array.Empty<string>();
    public IReadOnlyList<PlannedMethod> Methods { get; init; } = Array.Empty<PlannedMethod>();
    public IReadOnlyList<int> Seeds { get; init; } = new[] { 0 };

    /// <summary>auto (first CUDA device, else CPU), cpu, cuda or cuda:N.</summary>
    public string Device { get; init; } = "auto";

    /// <summary>JSON Lines result file (absolute).</summary>
    public string ResultPath { get; init; } = "";

    /// <summary>Workbook to write when the plan finishes (absolute), or null.</summary>
    public string? ReportPath { get; init; }

    /// <summary>Folder of seedK.json split files (absolute), or null for the data folder's splits/.</summary>
    public string? SplitPath { get; init; }

    /// <summary>The plan-wide settings before per-method overrides.</summary>
    public BenchmarkHyperparameters Hyperparameters { get; init; } = new();

    /// <summary>The YAML file the plan came from, if any.</summary>
    public string? SourcePath { get; init; }

    /// <summary>
    /// <paramref name="results"/> with <see cref="BenchmarkResult.Settings"/> filled in from this plan where it is empty and
    /// the settings hash is one of the plan's: for result files written before results carried their settings.
    /// </summary>
    public IEnumerable<BenchmarkResult> Label(IEnumerable<BenchmarkResult> results)
    {
        var byHash = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var m in Methods) byHash.TryAdd(m.Settings.HashFor(m.Method), m.Settings.Describe(m.Method));
        return results.Select(r => r.Settings.Length == 0 && byHash.TryGetValue(r.ConfigHash, out var text) ? r.WithSettings(text) : r);
    }

    /// <summary>Every run of the plan: for each task, each method, each seed.</summary>
    public IEnumerable<PlannedRun> Runs() =>
        from task in Tasks
        from method in Methods
        from seed in Seeds
        select new PlannedRun(task, method.Method, seed, method.Settings);
}
