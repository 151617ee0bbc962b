using System.Management.Automation;
using MoePS.Cmdlets.Cluster;
using MoePS.Engine.Cluster;
using MoePS.Engine.Models;
using MoePS.Engine.Models.Extractors;
using MoePS.Engine.Models.Formats;

namespace MoePS.Cmdlets;

/// <summary>Start-ExtractorPretrain -Scheduler Slurm: the training as a requeue-able Slurm job that checkpoints before its time limit.</summary>
public sealed partial class StartExtractorPretrainCommand : IDynamicParameters
{
    /// <summary>The checkpoint signal comes this long before the time limit: time for the epoch in progress to stop and the job to requeue.</summary>
    static readonly TimeSpan SignalLead = TimeSpan.FromSeconds(120);

    /// <summary><para type="description">Local (default): train here. Slurm: submit the training as a Slurm job and return a job at once.</para></summary>
    [Parameter]
    public JobScheduler Scheduler { get; set; }

    readonly SlurmParameters slurmParameters = new();

    /// <summary>The Slurm parameters (-Partition, -Account, -TimeLimit, -GpusPerTask).</summary>
    public object GetDynamicParameters() => slurmParameters;

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
                slurmParameters.ToOptions() with { CheckpointSignalLead = SignalLead });
            WriteVerbose($"Submitted the training of {name} as Slurm job {record.JobId}; checkpoint {checkpoint}, model {model}.");
            WriteObject(StartSlurmJob(record, slurm));
        }
        catch (Exception e) when (e is SlurmException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            WriteItemError(e, Dataset, "SlurmSubmissionFailed");
        }
    }
}
