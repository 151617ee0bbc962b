using System.Globalization;

namespace MoePS.Engine.Cluster;

/// <summary>What the user asks of Slurm for a job: where it runs, how long, on how many GPUs.</summary>
public sealed record SlurmOptions
{
    public string? Partition { get; init; }
    public string? Account { get; init; }

    /// <summary>Wall-time limit of each array task; null leaves the partition's default.</summary>
    public TimeSpan? TimeLimit { get; init; }

    /// <summary>GPUs for each array task; 0 asks for none.</summary>
    public int GpusPerTask { get; init; }

    /// <summary>At most this many array tasks at once; null leaves it to Slurm.</summary>
    public int? MaxConcurrent { get; init; }

    /// <summary>
    /// Requeue-able, with SIGUSR1 to the batch script this long before the time limit, on which the
    /// work saves a checkpoint and the script requeues the task (long pre-training). Null: neither.
    /// </summary>
    public TimeSpan? CheckpointSignalLead { get; init; }

    /// <summary>sbatch options for a job array of <paramref name="tasks"/> tasks named <paramref name="name"/>, writing into <paramref name="folder"/>.</summary>
    public IReadOnlyList<string> ToSbatchOptions(string name, int tasks, SlurmJobFolder folder)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tasks);
        string array = $"--array=0-{tasks - 1}";
        if (MaxConcurrent is int max) array += "%" + max.ToString(CultureInfo.InvariantCulture);
        var options = new List<string>
        {
            $"--job-name={name}", array, $"--output={folder.LogPattern}", "--open-mode=append", $"--chdir={folder.Path}",
        };
        if (!string.IsNullOrWhiteSpace(Partition)) options.Add($"--partition={Partition}");
        if (!string.IsNullOrWhiteSpace(Account)) options.Add($"--account={Account}");
        if (TimeLimit is TimeSpan limit) options.Add("--time=" + FormatTime(limit));
        if (GpusPerTask > 0) options.Add("--gpus-per-task=" + GpusPerTask.ToString(CultureInfo.InvariantCulture));
        if (CheckpointSignalLead is TimeSpan lead)
        {
            options.Add("--requeue");
            options.Add("--signal=B:USR1@" + ((int)Math.Ceiling(lead.TotalSeconds)).ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            options.Add("--no-requeue");
        }
        return options;
    }

    /// <summary>Slurm's days-hours:minutes:seconds; Slurm rounds seconds up to whole minutes.</summary>
    public static string FormatTime(TimeSpan limit)
    {
        if (limit <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(limit), limit, "A time limit must be positive.");
        return string.Create(CultureInfo.InvariantCulture, $"{limit.Days}-{limit.Hours:00}:{limit.Minutes:00}:{limit.Seconds:00}");
    }
}
