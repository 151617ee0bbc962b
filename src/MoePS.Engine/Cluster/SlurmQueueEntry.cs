using System.Globalization;

namespace MoePS.Engine.Cluster;

/// <summary>
/// One line of <c>squeue --array --states=all --format=%i|%T|%r</c>: a job, or one task of a job
/// array, with Slurm's state name (PENDING, RUNNING, COMPLETED, …) and its reason.
/// </summary>
/// <param name="ArrayTask">The array index, or null for a job that is not an array.</param>
public sealed record SlurmQueueEntry(int? ArrayTask, string State, string Reason)
{
    public const string Format = "%i|%T|%r";

    /// <summary>
    /// The entries of <paramref name="jobId"/> in squeue's output; an unexpanded range of pending
    /// tasks ("12_[4-7%2]") becomes one entry per task, other jobs' lines are ignored.
    /// </summary>
    public static IReadOnlyList<SlurmQueueEntry> Parse(string output, string jobId)
    {
        var entries = new List<SlurmQueueEntry>();
        foreach (string raw in output.Split('\n'))
        {
            string line = raw.Trim();
            if (line.Length == 0) continue;
            string[] fields = line.Split('|');
            if (fields.Length < 3) throw new SlurmException($"squeue printed a line MoePS cannot read: '{line}'.");
            string id = fields[0].Trim(), state = fields[1].Trim(), reason = fields[2].Trim();
            if (id == jobId)
            {
                entries.Add(new SlurmQueueEntry(null, state, reason));
                continue;
            }
            if (!id.StartsWith(jobId + "_", StringComparison.Ordinal)) continue;
            foreach (int task in ArrayTasks(id[(jobId.Length + 1)..], line))
                entries.Add(new SlurmQueueEntry(task, state, reason));
        }
        return entries;
    }

    /// <summary>"3", or "[4-7%2]" / "[1,3,5-6]" (tasks not yet started, shown as one line).</summary>
    static IEnumerable<int> ArrayTasks(string text, string line)
    {
        if (!text.StartsWith('['))
            return new[] { ParseIndex(text, line) };
        string inner = text.Trim('[', ']');
        int limit = inner.IndexOf('%', StringComparison.Ordinal);
        if (limit >= 0) inner = inner[..limit];
        var tasks = new List<int>();
        foreach (string part in inner.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            int dash = part.IndexOf('-', StringComparison.Ordinal);
            if (dash < 0) { tasks.Add(ParseIndex(part, line)); continue; }
            int first = ParseIndex(part[..dash], line), last = ParseIndex(part[(dash + 1)..], line);
            for (int i = first; i <= last; i++) tasks.Add(i);
        }
        return tasks;
    }

    static int ParseIndex(string text, string line) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            ? index
            : throw new SlurmException($"squeue printed an array index MoePS cannot read: '{line}'.");

    /// <summary>The state MoePS reports for a Slurm state name.</summary>
    public SlurmTaskState TaskState => State switch
    {
        "PENDING" or "REQUEUED" or "REQUEUE_HOLD" or "REQUEUE_FED" or "CONFIGURING" or "RESV_DEL_HOLD" => SlurmTaskState.Pending,
        "RUNNING" or "COMPLETING" or "SIGNALING" or "STAGE_OUT" or "RESIZING" => SlurmTaskState.Running,
        "SUSPENDED" or "STOPPED" => SlurmTaskState.Suspended,
        "COMPLETED" => SlurmTaskState.Completed,
        "CANCELLED" or "REVOKED" => SlurmTaskState.Cancelled,
        _ => SlurmTaskState.Failed, // FAILED, TIMEOUT, NODE_FAIL, OUT_OF_MEMORY, BOOT_FAIL, DEADLINE, PREEMPTED
    };

    /// <summary>Whether Slurm still has work to do for it (queued, running or suspended).</summary>
    public bool IsActive => TaskState is SlurmTaskState.Pending or SlurmTaskState.Running or SlurmTaskState.Suspended;
}
