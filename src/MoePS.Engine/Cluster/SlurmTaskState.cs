namespace MoePS.Engine.Cluster;

/// <summary>Where one Slurm job (or one task of a job array) stands, as MoePS reads it.</summary>
public enum SlurmTaskState
{
    /// <summary>Waiting in the queue (also after a requeue).</summary>
    Pending,
    Running,
    Suspended,
    /// <summary>Ended with exit status 0.</summary>
    Completed,
    /// <summary>Ended with a non-zero exit status, or Slurm ended it (time limit, node failure, out of memory).</summary>
    Failed,
    /// <summary>Cancelled (scancel), or gone from the queue without an exit status.</summary>
    Cancelled,
}
