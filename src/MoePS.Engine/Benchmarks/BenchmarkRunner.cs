using MoePS.Engine.Training;

namespace MoePS.Engine.Benchmarks;

/// <summary>
/// The benchmark loop (Invoke-MoeBenchmark's and the tests'): yields an outcome for every run of a
/// plan, in plan order — the result file's own result for a run it already has, else the run
/// trained now, its result appended to the file the moment it is finished. A killed benchmark
/// loses only the run in progress, and a rerun with the same file picks up where it stopped. Each
/// run is claimed in the store before it starts (<see cref="RunClaims"/>), so writers sharing a
/// result file split the plan between them: a run another live writer holds is left to it, and
/// looked at again when this writer's other runs are done. A run that fails is reported in its
/// outcome and the others go on; cancellation ends the benchmark without a result for the run in
/// progress. A host adds a check before each run and progress through <see cref="BenchmarkHooks"/>.
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

    /// <summary>Checks <paramref name="runs"/> against the result file: which are there, which still to do.</summary>
    public BenchmarkSchedule Schedule(IEnumerable<PlannedRun> runs) => BenchmarkSchedule.Of(runs, Store);

    /// <summary>Schedules <paramref name="runs"/> and runs them (see the other overload).</summary>
    public IEnumerable<BenchmarkRunOutcome> Run(IEnumerable<PlannedRun> runs, BenchmarkHooks? hooks = null,
        IProgress<EpochReport>? progress = null, CancellationToken cancellation = default) =>
        Run(Schedule(runs), hooks, progress, cancellation);

    /// <summary>
    /// One outcome per run of <paramref name="schedule"/>: the stored result of each finished run,
    /// and the pending ones executed in order, each yielded as it is stored. Runs held by another
    /// writer come last. Cancellation and a result file that can't be written are thrown.
    /// </summary>
    public IEnumerable<BenchmarkRunOutcome> Run(BenchmarkSchedule schedule, BenchmarkHooks? hooks = null,
        IProgress<EpochReport>? progress = null, CancellationToken cancellation = default)
    {
        var elsewhere = new List<BenchmarkStep>();
        int index = 0;
        try
        {
            foreach (var run in schedule.Runs)
            {
                cancellation.ThrowIfCancellationRequested();
                if (schedule.Stored.TryGetValue(run.Key, out var stored))
                {
                    yield return new BenchmarkRunOutcome(run, BenchmarkRunStatus.InResultFile, stored);
                    continue;
                }
                var step = new BenchmarkStep(run, index++, schedule.Pending.Count);
                if (hooks?.MayRun?.Invoke(run) == false)
                {
                    yield return new BenchmarkRunOutcome(run, BenchmarkRunStatus.Declined);
                    continue;
                }
                var outcome = TryRun(step, hooks, progress, cancellation);
                if (outcome.Status == BenchmarkRunStatus.ClaimedElsewhere) elsewhere.Add(step);
                else yield return outcome;
            }
            // The other writers may have finished (or given up) those runs meanwhile.
            foreach (var step in elsewhere)
            {
                cancellation.ThrowIfCancellationRequested();
                yield return TryRun(step, hooks, progress, cancellation);
            }
        }
        finally
        {
            Store.Claims.RemoveStaleClaimsAndEmptyFolder();
        }
    }

    /// <summary>Claims the run and executes it, unless another writer holds it or has finished it.</summary>
    BenchmarkRunOutcome TryRun(BenchmarkStep step, BenchmarkHooks? hooks, IProgress<EpochReport>? progress, CancellationToken cancellation)
    {
        var run = step.Run;
        using var claim = Store.Claims.TryClaim(run.Key, out var holder);
        // A run finished since the schedule was made, by another writer, is in the file now.
        if (Store.Find(run.Key) is { } stored) return new BenchmarkRunOutcome(run, BenchmarkRunStatus.InResultFile, stored);
        if (claim == null) return new BenchmarkRunOutcome(run, BenchmarkRunStatus.ClaimedElsewhere, ClaimedBy: holder);
        hooks?.Starting?.Invoke(step);
        return Execute(run, progress, cancellation);
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
        if (Store.Append(result)) return new BenchmarkRunOutcome(run, BenchmarkRunStatus.Finished, result);
        // Another writer stored this run first (having taken over a claim it judged stale): theirs stands.
        return new BenchmarkRunOutcome(run, BenchmarkRunStatus.InResultFile, Store.Find(run.Key));
    }
}
