namespace MoePS.Engine.Cluster;

/// <summary>Where one array task of a submitted job stands.</summary>
/// <param name="Index">The array index.</param>
/// <param name="Label">What the task does ("jarvis_2d_gap_tbmbj STL seed 0").</param>
/// <param name="ExitCode">The work's exit status once the batch script wrote it.</param>
/// <param name="Detail">Why it waits (Slurm's reason), or why it failed (the end of its log).</param>
public sealed record SlurmTaskStatus(int Index, string Label, SlurmTaskState State, int? ExitCode, string Detail)
{
    public bool IsFinished => State is SlurmTaskState.Completed or SlurmTaskState.Failed or SlurmTaskState.Cancelled;

    /// <summary>
    /// Each task of <paramref name="record"/>'s job from squeue's lines and the exit-status files.
    /// squeue says whether a task is queued or running; once it is not, the exit status the batch
    /// script wrote says how it ended (squeue forgets finished jobs after MinJobAge, and sacct needs
    /// an accounting database that many clusters, and the tests' one, do not have). A task gone from
    /// the queue with no exit status was cancelled before it started or lost with its node.
    /// </summary>
    public static IReadOnlyList<SlurmTaskStatus> Read(SlurmJobRecord record, SlurmJobFolder folder, IReadOnlyList<SlurmQueueEntry> queue)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(queue);
        var statuses = new List<SlurmTaskStatus>(record.Tasks.Count);
        for (int i = 0; i < record.Tasks.Count; i++)
        {
            int index = i;
            var entry = queue.LastOrDefault(e => e.ArrayTask == index);
            statuses.Add(Of(record, folder, index, entry));
        }
        return statuses;
    }

    static SlurmTaskStatus Of(SlurmJobRecord record, SlurmJobFolder folder, int index, SlurmQueueEntry? entry)
    {
        string label = record.Tasks[index];
        if (entry is { IsActive: true })
            return new(index, label, entry.TaskState, null, entry.Reason is "None" or "" ? "" : entry.Reason);
        int? code = folder.ReadExitStatus(record.JobId, index);
        if (entry?.TaskState == SlurmTaskState.Cancelled || code == SlurmBatchScript.TerminatedExitCode)
            return new(index, label, SlurmTaskState.Cancelled, code, "cancelled");
        if (code == SlurmBatchScript.CheckpointedExitCode)
            return new(index, label, SlurmTaskState.Cancelled, code, "stopped after saving its checkpoint; submit it again to go on from there");
        // Slurm's COMPLETED is the script's exit status 0, should the status file not be visible (yet) here.
        if (code == 0 || (code == null && entry?.TaskState == SlurmTaskState.Completed))
            return new(index, label, SlurmTaskState.Completed, 0, "");
        string log = folder.LogTail(record.JobId, index);
        if (code is int failed)
            return new(index, label, SlurmTaskState.Failed, failed, $"exit status {failed}: {log}");
        if (entry != null)
            return new(index, label, SlurmTaskState.Failed, null, $"Slurm reports {entry.State} ({entry.Reason}): {log}");
        return new(index, label, SlurmTaskState.Cancelled, null,
            "no longer in Slurm's queue and no exit status: cancelled before it started, or lost with its node");
    }
}
