namespace MoePS.Cmdlets.Cluster;

/// <summary>Where a cmdlet's work runs: in this process, or as a Slurm job array.</summary>
public enum JobScheduler
{
    Local,
    Slurm,
}
