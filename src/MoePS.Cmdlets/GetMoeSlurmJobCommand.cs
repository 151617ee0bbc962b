using System.Management.Automation;
using MoePS.Cmdlets.Cluster;
using MoePS.Engine.Cluster;

namespace MoePS.Cmdlets;

/// <summary>
/// <para type="synopsis">Gets the Slurm jobs that MoePS submitted for a result file, as PowerShell jobs, from any shell.</para>
/// <para type="description">Invoke-MoeBenchmark -Scheduler Slurm (and the other -Scheduler Slurm cmdlets) save a record
/// of each job array next to the file it writes (results.jsonl.slurm/job-ID.json). Get-MoeSlurmJob reads those records
/// and returns one job per submission, oldest first, with one child job per array task; the jobs join this session's
/// job list, so Get-Job, Wait-Job, Receive-Job, Stop-Job and Remove-Job work on them as on the job the submitting shell
/// got. A job this session already has is returned as it is.</para>
/// </summary>
/// <example>
/// <code>Get-MoeSlurmJob -ResultPath results/table3.jsonl | Wait-Job | Receive-Job | Measure-MoeBenchmark</code>
/// <para>Re-attaches to a benchmark submitted from another shell, waits for it and summarises the results.</para>
/// </example>
/// <example>
/// <code>(Get-MoeSlurmJob results/table3.jsonl).ChildJobs | Where-Object State -eq Failed | Receive-Job</code>
/// <para>Shows the errors of the runs that failed.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "MoeSlurmJob")]
[OutputType(typeof(SlurmJob))]
public sealed class GetMoeSlurmJobCommand : MoeCmdlet
{
    /// <summary><para type="description">The file the jobs write: a benchmark's result file, a pre-training checkpoint
    /// or a prediction output; or a folder, for the jobs of every file in it (a -CheckpointPath
    /// folder).</para></summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Path", "Target", "CheckpointPath", "OutputPath")]
    public string[] ResultPath { get; set; } = Array.Empty<string>();

    /// <summary><para type="description">Only the job with this Slurm job id.</para></summary>
    [Parameter]
    public string? JobId { get; set; }

    SlurmCommands? slurm;

    protected override void BeginProcessing() => slurm = LocateSlurm();

    protected override void ProcessRecord()
    {
        foreach (string path in ResultPath)
        {
            string target = ResolvePath(path);
            var folders = Directory.Exists(target) ? SlurmJobFolder.In(target) : new[] { SlurmJobFolder.For(target) };
            var records = new List<SlurmJobRecord>();
            try
            {
                foreach (var folder in folders) records.AddRange(folder.Records());
            }
            catch (Exception e) when (e is SlurmException or IOException or UnauthorizedAccessException)
            {
                WriteItemError(e, target, "SlurmJobRecordUnreadable");
                continue;
            }
            var wanted = records.Where(r => JobId == null || r.JobId == JobId).OrderBy(r => r.Submitted).ToList();
            if (wanted.Count == 0)
            {
                WriteItemError(new ItemNotFoundException(
                    $"No Slurm job{(JobId == null ? "" : " " + JobId)} was submitted for {target} (no job record in {string.Join(", ", folders.Select(f => f.Path).DefaultIfEmpty(target + "/*.slurm"))})."), target, "SlurmJobNotFound");
                continue;
            }
            foreach (var record in wanted) WriteObject(Attach(record));
        }
    }

    SlurmJob Attach(SlurmJobRecord record)
    {
        var known = JobRepository.Jobs.OfType<SlurmJob>()
            .FirstOrDefault(j => j.SlurmJobId == record.JobId && j.Target == record.Target);
        return known ?? StartSlurmJob(record, slurm!);
    }
}
