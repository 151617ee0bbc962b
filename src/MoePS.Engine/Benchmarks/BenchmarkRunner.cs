using System.Runtime.ExceptionServices;
using MoePS.Engine.Training;

namespace MoePS.Engine.Benchmarks;

/// <summary>
/// The benchmark loop (Invoke-MoeBenchmark's and the tests'): yields an outcome for every run of a
/// plan, in plan order — the result file's own result for a run it already has, else the run
/// trained now, its result appended to the file the moment it is finished. A killed benchmark
/// loses only the runs in progress, and a rerun with the same file picks up where it stopped. Each
/// run is claimed in the store before it starts (<see cref="RunClaims"/>), so writers sharing a
/// result file split the plan between them: a run another live writer holds is left to it, and
/// looked at again when this writer's other runs are done — then waited for (read back from the file
/// once there, or run here if its writer gives it up) when <see cref="WaitForOthersEvery"/> is set, else
/// reported as <see cref="BenchmarkRunStatus.ClaimedElsewhere"/>. Outcomes that come before the runs
/// still to wait for are held back, so the order is the plan's. A run that fails is reported in its
/// outcome and the others go on; cancellation ends the benchmark without a result for the runs in
/// progress. A host adds a check before each run and progress through <see cref="BenchmarkHooks"/>.
/// With an executor that packs (<see cref="IPackingBenchmarkExecutor"/>), the seeds of one task, method and settings
/// that are still to do and claimed here train as one pack (at most <see cref="MaxPackSize"/>); each run of a pack is
/// appended, and its claim released, as soon as it ends, and the pack's outcomes follow in plan order when it is over.
/// </summary>
public sealed class BenchmarkRunner
{
    /// <summary>The most runs trained in one pack (a plan's seeds; the paper's protocol has five).</summary>
    public const int MaxPackSize = 10;

    readonly IBenchmarkExecutor executor;
    readonly IPackingBenchmarkExecutor? packer;

    /// <param name="store">The result file.</param>
    /// <param name="executor">Trains the runs.</param>
    /// <param name="pack">Whether to train the runs that can be packed in packs, when the executor can.</param>
    public BenchmarkRunner(ResultStore store, IBenchmarkExecutor executor, bool pack = true)
    {
        Store = store;
        this.executor = executor;
        packer = pack ? executor as IPackingBenchmarkExecutor : null;
    }

    public ResultStore Store { get; }

    /// <summary>
    /// How often to look again at a run another writer holds, once this writer's own runs are done, until it is in the
    /// result file or this writer may claim it; null leaves such runs to the other writers without waiting.
    /// </summary>
    public TimeSpan? WaitForOthersEvery { get; init; }

    /// <summary>Checks <paramref name="runs"/> against the result file: which are there, which still to do.</summary>
    public BenchmarkSchedule Schedule(IEnumerable<PlannedRun> runs) => BenchmarkSchedule.Of(runs, Store);

    /// <summary>Schedules <paramref name="runs"/> and runs them (see the other overload).</summary>
    public IEnumerable<BenchmarkRunOutcome> Run(IEnumerable<PlannedRun> runs, BenchmarkHooks? hooks = null,
        IProgress<EpochReport>? progress = null, CancellationToken cancellation = default) =>
        Run(Schedule(runs), hooks, progress, cancellation);

    /// <summary>
    /// One outcome per run of <paramref name="schedule"/>, in its order: the stored result of each finished run, and the
    /// pending ones executed in order (alone, or in packs), each yielded once stored and once every run before it has its
    /// outcome. Runs held by another writer are looked at (and waited for) last. Cancellation and a result file that can't
    /// be written are thrown.
    /// </summary>
    public IEnumerable<BenchmarkRunOutcome> Run(BenchmarkSchedule schedule, BenchmarkHooks? hooks = null,
        IProgress<EpochReport>? progress = null, CancellationToken cancellation = default)
    {
        var elsewhere = new List<(int Position, BenchmarkStep Step)>();
        var ready = new Dictionary<int, BenchmarkRunOutcome>();
        int next = 0, index = 0, position = 0;
        // The outcomes from the next position on that are ready, in plan order.
        List<BenchmarkRunOutcome> Release()
        {
            var released = new List<BenchmarkRunOutcome>();
            while (ready.Remove(next, out var outcome))
            {
                released.Add(outcome);
                next++;
            }
            return released;
        }
        try
        {
            foreach (var group in Groups(schedule.Runs))
            {
                int start = position;
                position += group.Count;
                var claimed = new List<(int Slot, BenchmarkStep Step, RunClaim Claim)>();
                ExceptionDispatchInfo? stopped = null;
                try
                {
                    for (int slot = 0; slot < group.Count; slot++)
                    {
                        cancellation.ThrowIfCancellationRequested();
                        var run = group[slot];
                        if (schedule.Stored.TryGetValue(run.Key, out var stored))
                        {
                            ready[start + slot] = new BenchmarkRunOutcome(run, BenchmarkRunStatus.InResultFile, stored);
                            continue;
                        }
                        var step = new BenchmarkStep(run, index++, schedule.Pending.Count);
                        if (hooks?.MayRun?.Invoke(run) == false)
                        {
                            ready[start + slot] = new BenchmarkRunOutcome(run, BenchmarkRunStatus.Declined);
                            continue;
                        }
                        var (claim, other) = TryClaim(run);
                        if (claim != null) claimed.Add((slot, step, claim));
                        else if (other!.Status == BenchmarkRunStatus.ClaimedElsewhere) elsewhere.Add((start + slot, step));
                        else ready[start + slot] = other;
                    }
                    var (done, cancelled) = Execute(claimed, hooks, progress, cancellation);
                    foreach (var (slot, outcome) in done) ready[start + slot] = outcome;
                    stopped = cancelled;
                }
                finally
                {
                    foreach (var (_, _, claim) in claimed) claim.Dispose();
                }
                if (stopped != null)
                {
                    // Cancelled: what has ended is output, in plan order, gaps and all.
                    foreach (var p in ready.Keys.Order()) yield return ready[p];
                    stopped.Throw();
                }
                foreach (var outcome in Release()) yield return outcome;
            }
            // The other writers may have finished (or given up) those runs meanwhile.
            foreach (var (at, step) in elsewhere)
            {
                ready[at] = AfterOthers(step, hooks, progress, cancellation);
                foreach (var outcome in Release()) yield return outcome;
            }
        }
        finally
        {
            Store.Claims.RemoveStaleClaimsAndEmptyFolder();
        }
    }

    /// <summary>
    /// The outcome of a run another writer held: its result in the file, or the run executed here once its claim is free;
    /// while it is still held, waited for when <see cref="WaitForOthersEvery"/> is set, else left to that writer.
    /// </summary>
    BenchmarkRunOutcome AfterOthers(BenchmarkStep step, BenchmarkHooks? hooks, IProgress<EpochReport>? progress, CancellationToken cancellation)
    {
        bool told = false;
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            var (claim, other) = TryClaim(step.Run);
            if (claim != null)
            {
                using var held = claim;
                hooks?.Starting?.Invoke(step);
                return ExecuteAlone(step.Run, progress, cancellation);
            }
            if (other!.Status != BenchmarkRunStatus.ClaimedElsewhere || WaitForOthersEvery is not { } every) return other;
            if (!told) hooks?.Waiting?.Invoke(step.Run, other.ClaimedBy);
            told = true;
            cancellation.WaitHandle.WaitOne(every);
        }
    }

    /// <summary>The schedule's runs in groups that may train together: consecutive seeds of one packable task, method and settings; else one run each.</summary>
    IEnumerable<IReadOnlyList<PlannedRun>> Groups(IReadOnlyList<PlannedRun> runs)
    {
        var group = new List<PlannedRun>();
        foreach (var run in runs)
        {
            bool joins = group.Count > 0 && group.Count < MaxPackSize && packer!.CanPack(run)
                && (group[0].Task, group[0].Method, group[0].ConfigHash) == (run.Task, run.Method, run.ConfigHash);
            if (!joins && group.Count > 0)
            {
                yield return group;
                group = new List<PlannedRun>();
            }
            group.Add(run);
            if (packer == null || !packer.CanPack(run))
            {
                yield return group;
                group = new List<PlannedRun>();
            }
        }
        if (group.Count > 0) yield return group;
    }

    /// <summary>
    /// Claims the run: the claim, or none and the outcome that says why — another writer has finished it (it is in the
    /// file now) or holds it.
    /// </summary>
    (RunClaim? Claim, BenchmarkRunOutcome? Outcome) TryClaim(PlannedRun run)
    {
        var claim = Store.Claims.TryClaim(run.Key, out var holder);
        // A run finished since the schedule was made, by another writer, is in the file now.
        if (Store.Find(run.Key) is { } stored)
        {
            claim?.Dispose();
            return (null, new BenchmarkRunOutcome(run, BenchmarkRunStatus.InResultFile, stored));
        }
        return claim != null ? (claim, null) : (null, new BenchmarkRunOutcome(run, BenchmarkRunStatus.ClaimedElsewhere, ClaimedBy: holder));
    }

    /// <summary>
    /// Trains the claimed runs of a group: in one pack when there are several, else alone. The outcomes by slot; when the
    /// benchmark is cancelled during a pack, those of the pack's runs that had ended, with the cancellation to throw after them.
    /// </summary>
    (IReadOnlyList<(int Slot, BenchmarkRunOutcome Outcome)> Done, ExceptionDispatchInfo? Cancelled) Execute(
        List<(int Slot, BenchmarkStep Step, RunClaim Claim)> claimed, BenchmarkHooks? hooks, IProgress<EpochReport>? progress,
        CancellationToken cancellation)
    {
        if (claimed.Count == 0) return (Array.Empty<(int, BenchmarkRunOutcome)>(), null);
        var runs = claimed.Select(c => c.Step.Run).ToList();
        hooks?.Starting?.Invoke(claimed[0].Step with { Pack = runs });
        if (claimed.Count == 1) return (new[] { (claimed[0].Slot, ExecuteAlone(runs[0], progress, cancellation)) }, null);

        var outcomes = new Dictionary<BenchmarkRunKey, BenchmarkRunOutcome>();
        var claims = claimed.ToDictionary(c => c.Step.Run.Key, c => c.Claim);
        ExceptionDispatchInfo? storeFailure = null;
        void Done(PlannedRun run, BenchmarkRunOutcome outcome)
        {
            outcomes[run.Key] = outcome;
            claims[run.Key].Dispose();
        }
        try
        {
            packer!.ExecutePack(runs, (run, result) =>
            {
                try { Done(run, Record(run, result)); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    storeFailure = ExceptionDispatchInfo.Capture(e);
                    throw;
                }
            }, (run, error) => Done(run, new BenchmarkRunOutcome(run, BenchmarkRunStatus.Failed, Error: new BenchmarkRunException(run, error))),
                progress, cancellation);
        }
        catch (Exception) when (storeFailure != null)
        {
            storeFailure.Throw();
        }
        catch (Exception e) when (!cancellation.IsCancellationRequested)
        {
            foreach (var run in runs.Where(r => !outcomes.ContainsKey(r.Key)))
                outcomes[run.Key] = new BenchmarkRunOutcome(run, BenchmarkRunStatus.Failed, Error: new BenchmarkRunException(run, e));
        }
        catch (Exception e) when (cancellation.IsCancellationRequested)
        {
            // Whatever the pack throws once the benchmark is cancelled ends the benchmark, after the runs that had ended.
            var stop = e as OperationCanceledException ?? new OperationCanceledException("The benchmark was cancelled.", e, cancellation);
            var ended = claimed.Where(c => outcomes.ContainsKey(c.Step.Run.Key)).Select(c => (c.Slot, outcomes[c.Step.Run.Key])).ToList();
            return (ended, ExceptionDispatchInfo.Capture(stop));
        }
        return (claimed.Select(c => (c.Slot, outcomes[c.Step.Run.Key])).ToList(), null);
    }

    BenchmarkRunOutcome ExecuteAlone(PlannedRun run, IProgress<EpochReport>? progress, CancellationToken cancellation)
    {
        BenchmarkResult result;
        try
        {
            result = executor.Execute(run, progress, cancellation);
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
        return Record(run, result);
    }

    /// <summary>Appends a run's result: finished, or the file's own result when another writer stored this run first; a result for another run is a failure.</summary>
    BenchmarkRunOutcome Record(PlannedRun run, BenchmarkResult result)
    {
        if (result.GetKey() != run.Key)
            return new BenchmarkRunOutcome(run, BenchmarkRunStatus.Failed,
                Error: new BenchmarkRunException(run, new InvalidOperationException($"The run {run.Key} produced a result for {result.GetKey()}.")));
        if (Store.Append(result)) return new BenchmarkRunOutcome(run, BenchmarkRunStatus.Finished, result);
        // Another writer stored this run first (having taken over a claim it judged stale): theirs stands.
        return new BenchmarkRunOutcome(run, BenchmarkRunStatus.InResultFile, Store.Find(run.Key));
    }
}
