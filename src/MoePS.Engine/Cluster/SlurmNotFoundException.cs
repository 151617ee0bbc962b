namespace MoePS.Engine.Cluster;

/// <summary>Slurm's client commands are not on the PATH (a laptop, or a cluster node without them).</summary>
public sealed class SlurmNotFoundException : SlurmException
{
    public SlurmNotFoundException(string message) : base(message) { }

    public SlurmNotFoundException(string message, Exception inner) : base(message, inner) { }

    public SlurmNotFoundException() { }
}
