using MoePS.Engine.Training;

namespace MoePS.Engine.Benchmarks;

/// <summary>
/// Runs the runs of a plan that the result file doesn't have yet, appending each result to the
/// file the moment it is finished — a killed benchmark loses only the run in progress, and a rerun
/// with the same file picks up where it stopped. A run that fails is reported in its outcome and
/// the others go on; cancellation ends the benchmark without a result for the run in progress.
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

    /// <summary>
    /// Executes one run and appends its result to the file. A failure of the run comes back in the
    /// outcome; cancellation and a result file that can't be written are thrown.
    /// </summary>
    public BenchmarkRunOutcome Execute(PlannedRun run, IProgress<EpochReport>? progress = null, CancellationToken cancellation = default)
    {
        BenchmarkResult result;
        try
        {
            result = executor.Execute(run, progress, cancellation);
            if (result.GetKey() != run.Key)
                throw new InvalidOperationException($"The run {run.Key} produced a result for {result.GetKey()}.");
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            return new BenchmarkRunOutcome(run, null, new BenchmarkRunException(run, e));
        }
        Store.Append(result);
        return new BenchmarkRunOutcome(run, result, null);
    }

    /// <summary>Executes every pending run of <paramref name="runs"/> in order, yielding each outcome as it is stored.</summary>
    public IEnumerable<BenchmarkRunOutcome> Run(IEnumerable<PlannedRun> runs, IProgress<EpochReport>? progress = null,
        CancellationToken cancellation = default)
    {
        foreach (var run in Schedule(runs).Pending)
        {
            cancellation.ThrowIfCancellationRequested();
            yield return Execute(run, progress, cancellation);
        }
    }
}
