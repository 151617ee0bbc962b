namespace MoePS.Engine.Cluster;

/// <summary>The kinds of work MoePS hands to Slurm.</summary>
public enum SlurmJobKind
{
    Benchmark,
    Pretrain,
    Prediction,
}
