namespace MoePS.Engine.Benchmarks;

/// <summary>What became of one planned run: its result, why it failed, or who else runs it.</summary>
public sealed record BenchmarkRunOutcome(PlannedRun Run, BenchmarkRunStatus Status, BenchmarkResult? Result = null,
    BenchmarkRunException? Error = null, ClaimOwner? ClaimedBy = null)
{
    public bool Succeeded => Result != null;
}
