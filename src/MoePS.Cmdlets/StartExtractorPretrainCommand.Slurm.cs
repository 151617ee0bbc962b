using System.Management.Automation;
using MoePS.Cmdlets.Cluster;
using MoePS.Engine.Cluster;
using MoePS.Engine.Models;
using MoePS.Engine.Models.Extractors;
using MoePS.Engine.Models.Formats;

namespace MoePS.Cmdlets;

/// <summary>Start-ExtractorPretrain -Scheduler Slurm: the training as a requeue-able Slurm job that checkpoints before its time limit.</summary>
public sealed partial class StartExtractorPretrainCommand
{

    /// <summary>The checkpoint signal comes this long before the time limit: time for the epoch in progress to stop and the job to requeue.</summary>
    static readonly TimeSpan SignalLead = TimeSpan.FromSeconds(120);

    /// <summary><para type="description">Local (default): train here. Slurm: submit the training as a Slurm job and return a job at once.</para></summary>
    [Parameter]
    public JobScheduler Scheduler { get; set; }

    /// <summary><para type="description">With -Scheduler Slurm: the partition (sbatch --partition). Default: the cluster's.</para></summary>
    [Parameter]
    public string? Partition { get; set; }

    /// <summary><para type="description">With -Scheduler Slurm: the account to charge (sbatch --account).</para></summary>
    [Parameter]
    public string? Account { get; set; }

    /// <summary><para type="description">With -Scheduler Slurm: wall-time limit of each stretch of the job, e.g. 04:00:00; before it ends the job checkpoints and requeues itself. Default: the partition's.</para></summary>
    [Parameter]
    public TimeSpan? TimeLimit { get; set; }

    /// <summary><para type="description">With -Scheduler Slurm: GPUs for the job (sbatch --gpus-per-task); 0 asks for none.</para></summary>
    [Parameter]
    [ValidateRange(0, 64)]
    public int Gpus { get; set; }

    void SubmitToSlurm(CgcnnArchitecture architecture)
    {
        if (CheckpointPath == null)
            Fail(new ArgumentException("-Scheduler Slurm needs -CheckpointPath (a file, or a folder for NAME.ckpt): the job checkpoints there before its time limit and resumes from it."),
                Dataset, "SlurmNeedsCheckpoint");
        var slurm = LocateSlurm();

        string name = CheckpointName;
        string checkpoint = CheckpointFile(ResolvePath(CheckpointPath));
        string model = Path.ChangeExtension(checkpoint, ExtractorBundle.Extension);
        // A signal may come at any time; saving every epoch loses at most the epoch in progress.
        var options = BuildOptions() with
        {
            CheckpointPath = checkpoint,
            CheckpointEvery = MyInvocation.BoundParameters.ContainsKey(nameof(CheckpointEvery)) ? CheckpointEvery : 1,
        };
        try
        {
            var spec = PretrainArraySpec.For(Dataset, options, architecture, Name, Device ?? "auto", model);
            var record = SlurmSubmission.Submit(slurm, SlurmJobKind.Pretrain, $"moeps-pretrain-{name}", checkpoint,
                new[] { $"{name} on {Dataset.Name}" }, spec.Save, specPath => SlurmTaskCommand.For(typeof(PretrainArrayTask), specPath),
                new SlurmOptions { Partition = Partition, Account = Account, TimeLimit = TimeLimit, GpusPerTask = Gpus, CheckpointSignalLead = SignalLead });
            WriteVerbose($"Submitted the training of {name} as Slurm job {record.JobId}; checkpoint {checkpoint}, model {model}.");
            WriteObject(StartSlurmJob(record, slurm));
        }
        catch (Exception e) when (e is SlurmException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            WriteItemError(e, Dataset, "SlurmSubmissionFailed");
        }
    }
}
