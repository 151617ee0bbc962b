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
