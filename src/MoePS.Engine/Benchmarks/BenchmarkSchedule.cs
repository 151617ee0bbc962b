namespace MoePS.Engine.Benchmarks;

/// <summary>A plan checked against the result file: its runs in plan order (each key once) and the results the file already has.</summary>
/// <param name="Runs">Every run of the plan, a repeated key once.</param>
/// <param name="Stored">The file's results for runs of the plan, by key (the last one where the file has several).</param>
/// <param name="TruncatedTail">The result file ended in an incomplete line (a run killed while writing), which is ignored.</param>
public sealed record BenchmarkSchedule(IReadOnlyList<PlannedRun> Runs, IReadOnlyDictionary<BenchmarkRunKey, BenchmarkResult> Stored,
    bool TruncatedTail)
{
    /// <summary>Runs whose key is not in the result file, in plan order.</summary>
    public IReadOnlyList<PlannedRun> Pending { get; } = Runs.Where(r => !Stored.ContainsKey(r.Key)).ToList();

    /// <summary>Runs of the plan the result file already has.</summary>
    public IReadOnlyList<PlannedRun> Finished { get; } = Runs.Where(r => Stored.ContainsKey(r.Key)).ToList();

    /// <summary>Checks <paramref name="runs"/> against <paramref name="store"/>: which are there, which still to do.</summary>
    public static BenchmarkSchedule Of(IEnumerable<PlannedRun> runs, ResultStore store)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(store);
        var inFile = new Dictionary<BenchmarkRunKey, BenchmarkResult>();
        var results = store.Read(out bool truncated);
        foreach (var result in results) inFile[result.GetKey()] = result;
        var unique = runs.DistinctBy(r => r.Key).ToList();
        var stored = unique.Where(r => inFile.ContainsKey(r.Key)).ToDictionary(r => r.Key, r => inFile[r.Key]);
        return new BenchmarkSchedule(unique, stored, truncated);
    }
}
