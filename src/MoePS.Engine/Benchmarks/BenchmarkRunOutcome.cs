namespace MoePS.Engine.Benchmarks;

/// <summary>What became of one planned run.</summary>
public enum BenchmarkRunStatus
{
    /// <summary>Trained and tested now; its result is in the result file.</summary>
    Finished,
    /// <summary>Trained now and failed (the error says why); it is still to do on the next attempt.</summary>
    Failed,
    /// <summary>Left out by the host's check before it started (PowerShell's -WhatIf, or No at -Confirm).</summary>
    Declined,
    /// <summary>Already in the result file: finished by an earlier benchmark or by another writer.</summary>
    InResultFile,
    /// <summary>Being run by another live writer of the same result file, so left to it.</summary>
    ClaimedElsewhere,
}

/// <summary>What became of one planned run: its result, why it failed, or who else runs it.</summary>
public sealed record BenchmarkRunOutcome(PlannedRun Run, BenchmarkRunStatus Status, BenchmarkResult? Result = null,
    BenchmarkRunException? Error = null, ClaimOwner? ClaimedBy = null)
{
    public bool Succeeded => Result != null;
}

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
