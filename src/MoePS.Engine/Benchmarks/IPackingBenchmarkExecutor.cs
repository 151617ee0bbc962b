using MoePS.Engine.Training;

namespace MoePS.Engine.Benchmarks;

/// <summary>An executor that can also train several runs as one pack (<see cref="BenchmarkTrainer"/>: the seeds of a mixture method on a task).</summary>
public interface IPackingBenchmarkExecutor : IBenchmarkExecutor
{
    /// <summary>Whether <paramref name="run"/> can train in one pack with the other seeds of its task, method and settings.</summary>
    bool CanPack(PlannedRun run);

    /// <summary>
    /// Trains <paramref name="runs"/> — one task, method and settings, different seeds — as one pack. Each run is reported on
    /// the training thread as soon as it is over: its result to <paramref name="finished"/> (a run that stops early is
    /// reported while the others train on), or to <paramref name="failed"/> the error that kept it out of the pack. Throws
    /// what fails the pack as a whole, and <see cref="OperationCanceledException"/> when cancelled (runs already reported
    /// keep their results).
    /// </summary>
    void ExecutePack(IReadOnlyList<PlannedRun> runs, Action<PlannedRun, BenchmarkResult> finished, Action<PlannedRun, Exception> failed,
        IProgress<EpochReport>? progress, CancellationToken cancellation);
}
