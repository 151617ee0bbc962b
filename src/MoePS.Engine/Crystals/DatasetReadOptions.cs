namespace MoePS.Engine.Crystals;

/// <summary>Options for reading a labelled dataset.</summary>
public sealed record DatasetReadOptions
{
    /// <summary>Target column; null picks the task's documented target, else the first numeric column after "structure".</summary>
    public string? Target { get; init; }
    public DisorderPolicy Disorder { get; init; } = DisorderPolicy.Reject;

    /// <summary>Told what a reader chose silently otherwise (a tie for the majority species); null: nobody is told.</summary>
    public Action<string>? Warn { get; init; }
    /// <summary>Dataset name; null uses the file (or folder) name.</summary>
    public string? Name { get; init; }
    /// <summary>Unit of the target; null looks it up in an index.json beside the file.</summary>
    public string? Unit { get; init; }
}
