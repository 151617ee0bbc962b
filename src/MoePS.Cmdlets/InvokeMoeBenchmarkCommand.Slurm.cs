using System.Management.Automation;
using MoePS.Cmdlets.Cluster;
using MoePS.Engine.Benchmarks;
using MoePS.Engine.Cluster;
using MoePS.Engine.Crystals;

namespace MoePS.Cmdlets;

/// <summary>Invoke-MoeBenchmark -Scheduler Slurm: the plan's pending runs as one Slurm job array.</summary>
public sealed partial class InvokeMoeBenchmarkCommand : IDynamicParameters
{
    /// <summary><para type="description">Local (default): run here, one run after another. Slurm: submit the pending
    /// runs as one sbatch job array and return a job at once.</para></summary>
    [Parameter]
    public JobScheduler Scheduler { get; set; }

    readonly SlurmArrayParameters slurmParameters = new();

    /// <summary>The Slurm parameters (-Partition, -Account, -TimeLimit, -GpusPerTask, -MaxConcurrent).</summary>
    public object GetDynamicParameters() => slurmParameters;

    void SubmitToSlurm(ExperimentPlan plan, IReadOnlyList<CrystalDataset> datasets)
    {
        if (datasets.Count > 0)
            Fail(new ArgumentException("-Scheduler Slurm takes tasks by name (or a -Config plan): a dataset object lives in this shell only, " +
                "not on the cluster's nodes. Name a task of the data folder instead."), datasets[0], "SlurmNeedsTaskNames");
        var slurm = LocateSlurm();

        var store = new ResultStore(plan.ResultPath);
        BenchmarkSchedule? schedule = null;
        try { schedule = BenchmarkSchedule.Of(plan.Runs(), store); }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException) { Fail(e, store.Path, "ResultFileUnreadable"); }
        Announce(plan, schedule, store);
        var inFlight = RunsInFlight(store.Path, slurm);
        var pending = schedule.Pending.Where(r => !inFlight.Contains(r.Key)).ToList();
        if (pending.Count < schedule.Pending.Count)
            WriteVerbose($"{schedule.Pending.Count - pending.Count} run(s) are still queued or running in an earlier job for {store.Path}; not submitted again.");
        if (pending.Count == 0)
        {
            WriteVerbose("Nothing to submit: every run of the plan is in the result file or in a job that has not ended.");
            return;
        }
        if (!ShouldProcess($"{pending.Count} run(s) of '{plan.Name}'", "Submit to Slurm as one job array")) return;
        if (plan.ReportPath != null)
            WriteVerbose($"The workbook {plan.ReportPath} is not written by Slurm jobs: run Export-MoeReport on the results when the job has ended.");

        var spec = new BenchmarkArraySpec(store.Path, plan.SplitPath, Device ?? plan.Device, pending);
        SlurmJobRecord? record = null;
        try
        {
            record = SlurmSubmission.Submit(slurm, SlurmJobKind.Benchmark, $"moeps-{plan.Name}", store.Path,
                pending.Select(BenchmarkArraySpec.Label).ToList(), spec.Save,
                specPath => SlurmTaskCommand.For(typeof(BenchmarkArrayTask), specPath), slurmParameters.ToOptions());
        }
        catch (Exception e) when (e is SlurmException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            Fail(e, store.Path, "SlurmSubmissionFailed");
        }
        WriteVerbose($"Submitted {pending.Count} run(s) as Slurm job array {record.JobId} ({string.Join(" ", record.SbatchOptions)}); logs in {SlurmJobFolder.For(store.Path).LogFolder}.");
        WriteObject(StartSlurmJob(record, slurm));
    }

    /// <summary>Keys of the runs that earlier jobs for this result file still have queued or running.</summary>
    HashSet<BenchmarkRunKey> RunsInFlight(string resultPath, SlurmCommands slurm)
    {
        var keys = new HashSet<BenchmarkRunKey>();
        try
        {
            foreach (var record in SlurmJobFolder.For(resultPath).Records().Where(r => r.Kind == SlurmJobKind.Benchmark))
            {
                var active = slurm.Queue(record.JobId).Where(e => e.IsActive && e.ArrayTask is not null).ToList();
                if (active.Count == 0) continue;
                var spec = BenchmarkArraySpec.Load(record.SpecPath);
                foreach (var entry in active) keys.Add(spec.Runs[entry.ArrayTask!.Value].Key);
            }
        }
        catch (Exception e) when (e is SlurmException or IOException or UnauthorizedAccessException)
        {
            Fail(e, resultPath, "SlurmQueueUnreadable");
        }
        return keys;
    }
}
