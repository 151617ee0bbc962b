using MoePS.Engine.Runtime;

namespace MoePS.Engine.Cluster;

/// <summary>
/// Submits MoePS work as one Slurm job array: writes the work's spec and the batch script into the
/// target's <see cref="SlurmJobFolder"/>, calls sbatch, and saves the job's record there.
/// </summary>
public static class SlurmSubmission
{
    /// <param name="slurm">The Slurm commands.</param>
    /// <param name="kind">What the job does.</param>
    /// <param name="name">The job's name in the queue.</param>
    /// <param name="target">The file the job writes; its folder gets the job's files.</param>
    /// <param name="tasks">One label per array task.</param>
    /// <param name="writeSpec">Writes the spec the tasks read to the given path.</param>
    /// <param name="command">The command each array task runs, given the spec's path.</param>
    /// <param name="options">Partition, time limit, GPUs and the like.</param>
    public static SlurmJobRecord Submit(SlurmCommands slurm, SlurmJobKind kind, string name, string target, IReadOnlyList<string> tasks,
        Action<string> writeSpec, Func<string, IReadOnlyList<string>> command, SlurmOptions options)
    {
        ArgumentNullException.ThrowIfNull(slurm);
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(writeSpec);
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(options);
        var folder = SlurmJobFolder.For(target);
        folder.Create();
        string submission = SlurmJobFolder.NewSubmissionName();
        string spec = folder.SpecPath(submission), script = folder.ScriptPath(submission);
        writeSpec(spec);
        string description = $"MoePS {kind} job '{name}' for {Path.GetFullPath(target)}: {tasks.Count} task(s).";
        string text = SlurmBatchScript.Create(command(spec), folder, options.CheckpointSignalLead != null, description);
        AtomicFile.WriteAllBytes(script, System.Text.Encoding.UTF8.GetBytes(text), overwrite: false);
        var sbatchOptions = options.ToSbatchOptions(name, tasks.Count, folder);
        var submitted = DateTimeOffset.UtcNow;
        string jobId = slurm.Submit(sbatchOptions, script);
        var record = new SlurmJobRecord
        {
            JobId = jobId, Kind = kind, Name = name, Target = Path.GetFullPath(target), SpecPath = spec, ScriptPath = script,
            Tasks = tasks, SbatchOptions = sbatchOptions, Submitted = submitted,
        };
        folder.Save(record);
        return record;
    }
}
