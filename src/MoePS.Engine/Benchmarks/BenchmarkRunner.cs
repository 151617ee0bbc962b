using MoePS.Engine.Training;

namespace MoePS.Engine.Benchmarks;

/// <summary>
/// The benchmark loop (Invoke-MoeBenchmark's and the tests'): runs the runs of a plan that the
/// result file doesn't have yet, appending each result to the file the moment it is finished — a
/// killed benchmark loses only the run in progress, and a rerun with the same file picks up where
/// it stopped. A run that fails is reported in its outcome and the others go on; cancellation ends
/// the benchmark without a result for the run in progress. A host adds a check before each run
/// and progress through <see cref="BenchmarkHooks"/>.
/// </summary>
public sealed class BenchmarkRunner
{
    readonly IBenchmarkExecutor executor;

    public BenchmarkRunner(ResultStore store, IBenchmarkExecutor executor)
    {
        Store = store;
        this.executor = executor;
    }

    public ResultStore Store { get; }

    /// <summary>Splits <paramref name="runs"/> into those still to do and those the result file already has.</summary>
    public BenchmarkSchedule Schedule(IEnumerable<PlannedRun> runs)
    {
        var inFile = Store.Read(out bool truncated).Select(r => r.GetKey()).ToHashSet();
        var seen = new HashSet<BenchmarkRunKey>();
        var pending = new List<PlannedRun>();
        var finished = new List<PlannedRun>();
        foreach (var run in runs)
        {
            if (!seen.Add(run.Key)) continue;
            (inFile.Contains(run.Key) ? finished : pending).Add(run);
        }
        return new BenchmarkSchedule(pending, finished, truncated);
    }

    /// <summary>Schedules <paramref name="runs"/> and executes the pending ones, yielding each outcome as it is stored.</summary>
    public IEnumerable<BenchmarkRunOutcome> Run(IEnumerable<PlannedRun> runs, BenchmarkHooks? hooks = null,
        IProgress<EpochReport>? progress = null, CancellationToken cancellation = default) =>
        Run(Schedule(runs), hooks, progress, cancellation);

    /// <summary>
    /// Executes the pending runs of <paramref name="schedule"/> in order, yielding each outcome as it
    /// is stored. Cancellation and a result file that can't be written are thrown.
    /// </summary>
    public IEnumerable<BenchmarkRunOutcome> Run(BenchmarkSchedule schedule, BenchmarkHooks? hooks = null,
        IProgress<EpochReport>? progress = null, CancellationToken cancellation = default)
    {
        var pending = schedule.Pending;
        for (int i = 0; i < pending.Count; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            var run = pending[i];
            if (hooks?.MayRun?.Invoke(run) == false)
            {
                yield return new BenchmarkRunOutcome(run, BenchmarkRunStatus.Declined);
                continue;
            }
            hooks?.Starting?.Invoke(new BenchmarkStep(run, i, pending.Count));
            yield return Execute(run, progress, cancellation);
        }
    }

    BenchmarkRunOutcome Execute(PlannedRun run, IProgress<EpochReport>? progress, CancellationToken cancellation)
    {
        BenchmarkResult result;
        try
        {
            result = executor.Execute(run, progress, cancellation);
            if (result.GetKey() != run.Key)
                throw new InvalidOperationException($"The run {run.Key} produced a result for {result.GetKey()}.");
        }
        catch (Exception e) when (!cancellation.IsCancellationRequested)
        {
            return new BenchmarkRunOutcome(run, BenchmarkRunStatus.Failed, Error: new BenchmarkRunException(run, e));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever a run throws once the benchmark is cancelled (a host refusing more output,
            // say) ends the benchmark rather than counting as a failed run.
            throw new OperationCanceledException("The benchmark was cancelled.", e, cancellation);
        }
        Store.Append(result);
        return new BenchmarkRunOutcome(run, BenchmarkRunStatus.Finished, result);
    }
}
