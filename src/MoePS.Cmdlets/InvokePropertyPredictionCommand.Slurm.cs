using System.Management.Automation;
using MoePS.Cmdlets.Cluster;
using MoePS.Engine.Cluster;

namespace MoePS.Cmdlets;

/// <summary>Invoke-PropertyPrediction -Path … -Scheduler Slurm: a screening split into shards, one Slurm array task each, merged in input order.</summary>
public sealed partial class InvokePropertyPredictionCommand : IDynamicParameters
{
    /// <summary>Default shard size when -Shards is not given.</summary>
    const int FilesPerShard = 1000;

    /// <summary><para type="description">Local (default): predict here. Slurm: with -Path and -OutputPath, submit the
    /// prediction as -Shards Slurm array tasks and return a job at once.</para></summary>
    [Parameter]
    public JobScheduler Scheduler { get; set; }

    /// <summary><para type="description">With -Scheduler Slurm: the number of shards (array tasks), each a consecutive
    /// slice of the files. Default: one per 1000 files.</para></summary>
    [Parameter(ParameterSetName = PathSet)]
    [ValidateRange(1, 100000)]
    public int? Shards { get; set; }

    /// <summary><para type="description">With -Scheduler Slurm: the CSV the shards are merged into (Id, Formula,
    /// Predicted, Unit, StdDev, Model, Property, Source, Error). Locally, pipe the output to Export-Csv
    /// instead.</para></summary>
    [Parameter(ParameterSetName = PathSet)]
    public string? OutputPath { get; set; }

    readonly SlurmArrayParameters slurmParameters = new();

    /// <summary>The Slurm parameters (-Partition, -Account, -TimeLimit, -GpusPerTask, -MaxConcurrent).</summary>
    public object GetDynamicParameters() => slurmParameters;

    void CheckScheduler()
    {
        if (Scheduler == JobScheduler.Slurm && (ParameterSetName != PathSet || OutputPath == null))
            Fail(new ArgumentException("-Scheduler Slurm predicts structure files on the cluster's nodes: give them with -Path, and the CSV to merge the shards into with -OutputPath."),
                Scheduler, "SlurmNeedsPathAndOutput");
        if (Scheduler != JobScheduler.Slurm && OutputPath != null)
            Fail(new ArgumentException("-OutputPath goes with -Scheduler Slurm; here, pipe the predictions to Export-Csv."), OutputPath, "OutputPathNeedsSlurm");
    }

    void SubmitToSlurm()
    {
        if (files.Count == 0) return; // every -Path already reported as not found
        var slurm = LocateSlurm();
        string output = ResolvePath(OutputPath!);
        int shards = Shards ?? (files.Count + FilesPerShard - 1) / FilesPerShard;
        var slices = PredictionArraySpec.Slice(files, shards);
        try
        {
            var record = SlurmSubmission.Submit(slurm, SlurmJobKind.Prediction, $"moeps-predict-{System.IO.Path.GetFileNameWithoutExtension(output)}", output,
                Enumerable.Range(0, slices.Count).Select(k => $"shard {k}").ToList(),
                specPath => PredictionArraySpec.Create(specPath, Model, files, shards, Device ?? "auto", output, Force),
                specPath => SlurmTaskCommand.For(typeof(PredictionArrayTask), specPath),
                slurmParameters.ToOptions());
            WriteVerbose($"Submitted {files.Count} structure file(s) in {slices.Count} shard(s) as Slurm job array {record.JobId}; merged rows go to {output}.");
            WriteObject(StartSlurmJob(record, slurm));
        }
        catch (Exception e) when (e is SlurmException or IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            Fail(e, output, "SlurmSubmissionFailed");
        }
    }
}
