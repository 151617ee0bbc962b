namespace MoePS.Engine.Cluster;

/// <summary>A Slurm command failed or answered something MoePS cannot read; the message names the command.</summary>
public class SlurmException : Exception
{
    public SlurmException(string message) : base(message) { }

    public SlurmException(string message, Exception inner) : base(message, inner) { }

    public SlurmException() { }
}
