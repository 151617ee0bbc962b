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
}

/// <summary>What became of one planned run: its result, or why it failed.</summary>
public sealed record BenchmarkRunOutcome(PlannedRun Run, BenchmarkRunStatus Status, BenchmarkResult? Result = null,
    BenchmarkRunException? Error = null)
{
    public bool Succeeded => Result != null;
}

/// <summary>A plan checked against the result file: the runs still to do, in plan order, and those already there.</summary>
/// <param name="Pending">Runs whose key is not in the result file (each key once).</param>
/// <param name="Finished">Runs of the plan the result file already has.</param>
/// <param name="TruncatedTail">The result file ended in an incomplete line (a run killed while writing), which is ignored.</param>
public sealed record BenchmarkSchedule(IReadOnlyList<PlannedRun> Pending, IReadOnlyList<PlannedRun> Finished, bool TruncatedTail);
