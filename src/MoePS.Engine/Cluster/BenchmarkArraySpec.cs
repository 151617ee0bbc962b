using MoePS.Engine.Benchmarks;

namespace MoePS.Engine.Cluster;

/// <summary>
/// What a benchmark job array does: array task i trains and tests <see cref="Runs"/>[i] and appends
/// its result to <see cref="ResultPath"/>, the plan's result file.
/// </summary>
/// <param name="ResultPath">The plan's JSON Lines result file (absolute).</param>
/// <param name="SplitPath">Folder of seedK.json split files, or null for the data folder's.</param>
/// <param name="Device">cpu, cuda, cuda:N, or auto: each node's first GPU, else its CPU.</param>
/// <param name="Runs">The runs, in array order.</param>
public sealed record BenchmarkArraySpec(string ResultPath, string? SplitPath, string Device, IReadOnlyList<PlannedRun> Runs)
    : SlurmJobSpec(Device)
{
    public static BenchmarkArraySpec Load(string path) => Load<BenchmarkArraySpec>(path, "benchmark");

    /// <summary>The label of each run, as the job's child jobs show it.</summary>
    public static string Label(PlannedRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return $"{run.Task} {run.Method} seed {run.Seed}";
    }

    /// <summary>The result of array task <paramref name="task"/> in the result file, or null when it has none.</summary>
    public BenchmarkResult? ResultOf(int task, IReadOnlyList<BenchmarkResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var key = Runs[task].Key;
        return results.LastOrDefault(r => r.GetKey() == key);
    }
}
