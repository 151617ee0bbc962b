namespace MoePS.Engine.Benchmarks;

/// <summary>A run about to start: number <see cref="Index"/> (from 0) of the <see cref="Count"/> runs the benchmark has to do.</summary>
public sealed record BenchmarkStep(PlannedRun Run, int Index, int Count)
{
    public int PercentComplete => Count == 0 ? 100 : 100 * Index / Count;

    /// <summary>The runs that start with it in one pack, itself first; just itself when it trains alone.</summary>
    public IReadOnlyList<PlannedRun> Pack { get; init; } = new[] { Run };
}
