using MoePS.Engine.Training;

namespace MoePS.Engine.Benchmarks;

/// <summary>Trains and tests one planned run; <see cref="BenchmarkTrainer"/> is the real one.</summary>
public interface IBenchmarkExecutor
{
    /// <summary>
    /// The run's result, carrying the run's key (task, method, seed, settings hash). Throws
    /// <see cref="OperationCanceledException"/> when cancelled: a cut-short run has no result.
    /// </summary>
    BenchmarkResult Execute(PlannedRun run, IProgress<EpochReport>? progress, CancellationToken cancellation);
}
