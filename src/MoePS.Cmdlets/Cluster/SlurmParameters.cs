using System.Management.Automation;
using MoePS.Engine.Cluster;

namespace MoePS.Cmdlets.Cluster;

/// <summary>
/// What a cmdlet with -Scheduler Slurm asks of Slurm (partition, account, time, GPUs): declared once,
/// added to each such cmdlet as its dynamic parameters.
/// </summary>
public class SlurmParameters
{
    /// <summary><para type="description">With -Scheduler Slurm: the partition (sbatch --partition). Default: the cluster's.</para></summary>
    [Parameter]
    public string? Partition { get; set; }

    /// <summary><para type="description">With -Scheduler Slurm: the account to charge (sbatch --account).</para></summary>
    [Parameter]
    public string? Account { get; set; }

    /// <summary>
    /// <para type="description">With -Scheduler Slurm: wall-time limit of each array task (a benchmark run, a prediction
    /// shard, or a stretch of a training, which checkpoints and requeues itself before the limit), e.g. 02:00:00
    /// (sbatch --time). Default: the partition's.</para>
    /// </summary>
    [Parameter]
    public TimeSpan? TimeLimit { get; set; }

    /// <summary>
    /// <para type="description">With -Scheduler Slurm: GPUs for each array task (a benchmark run, a prediction shard, or the
    /// training) (sbatch --gpus-per-task); 0 asks for none. The aliases GpusPerRun, GpusPerShard and Gpus are its earlier
    /// names.</para>
    /// </summary>
    [Parameter]
    [Alias("GpusPerRun", "GpusPerShard", "Gpus")]
    [ValidateRange(0, 64)]
    public int GpusPerTask { get; set; }

    /// <summary>The options these parameters ask for.</summary>
    public virtual SlurmOptions ToOptions() =>
        new() { Partition = Partition, Account = Account, TimeLimit = TimeLimit, GpusPerTask = GpusPerTask };
}
