using System.Management.Automation;
using MoePS.Engine.Cluster;

namespace MoePS.Cmdlets.Cluster;

/// <summary>The Slurm parameters of a cmdlet whose job array has many tasks: also how many run at once.</summary>
public sealed class SlurmArrayParameters : SlurmParameters
{
    /// <summary><para type="description">With -Scheduler Slurm: at most this many array tasks (runs or shards) at once (the array's %N).</para></summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? MaxConcurrent { get; set; }

    public override SlurmOptions ToOptions() => base.ToOptions() with { MaxConcurrent = MaxConcurrent };
}
