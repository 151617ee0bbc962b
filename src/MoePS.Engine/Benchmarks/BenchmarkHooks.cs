namespace MoePS.Engine.Benchmarks;

/// <summary>
/// What a host adds to the loop of <see cref="BenchmarkRunner"/>: a check before each run and a
/// report when one starts, both called on the thread that enumerates the outcomes.
/// </summary>
public sealed record BenchmarkHooks
{
    /// <summary>Asked before each pending run; false leaves it out (<see cref="BenchmarkRunStatus.Declined"/>).</summary>
    public Func<PlannedRun, bool>? MayRun { get; init; }

    /// <summary>Told when a run starts training.</summary>
    public Action<BenchmarkStep>? Starting { get; init; }

    /// <summary>
    /// Told once per run that another writer holds when this benchmark comes to wait for it (see
    /// <see cref="BenchmarkRunner.WaitForOthersEvery"/>), with the holder (null while its claim is being written).
    /// </summary>
    public Action<PlannedRun, ClaimOwner?>? Waiting { get; init; }
}
