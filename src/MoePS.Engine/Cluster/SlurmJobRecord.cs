namespace MoePS.Engine.Cluster;

/// <summary>
/// What MoePS remembers of one submitted job array, saved next to the file the job writes
/// (<see cref="SlurmJobFolder"/>), so that a new shell can re-attach to it after the submitting one is gone.
/// </summary>
public sealed record SlurmJobRecord
{
    public string JobId { get; init; } = "";

    /// <summary>What the job does: <see cref="SlurmJobKind"/>.</summary>
    public SlurmJobKind Kind { get; init; }

    public string Name { get; init; } = "";

    /// <summary>The file the job writes (result file, checkpoint or predictions), absolute.</summary>
    public string Target { get; init; } = "";

    /// <summary>The kind's own description of the work (the runs, the shards), which each array task reads.</summary>
    public string SpecPath { get; init; } = "";

    public string ScriptPath { get; init; } = "";

    /// <summary>One label per array task, in array order ("jarvis_2d_gap_tbmbj STL seed 0").</summary>
    public IReadOnlyList<string> Tasks { get; init; } = Array.Empty<string>();

    /// <summary>sbatch's options as submitted.</summary>
    public IReadOnlyList<string> SbatchOptions { get; init; } = Array.Empty<string>();

    public DateTimeOffset Submitted { get; init; }
}
