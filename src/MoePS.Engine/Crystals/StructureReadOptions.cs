namespace MoePS.Engine.Crystals;

/// <summary>Options shared by the structure readers.</summary>
public sealed record StructureReadOptions
{
    public static StructureReadOptions Default { get; } = new();

    /// <summary>What to do with partly occupied or mixed sites (default: reject).</summary>
    public DisorderPolicy Disorder { get; init; } = DisorderPolicy.Reject;

    /// <summary>Told what a reader chose silently otherwise (a tie for the majority species); null: nobody is told.</summary>
    public Action<string>? Warn { get; init; }

    /// <summary>Element symbols for VASP 4 POSCAR files, which have no species line (in the order of the counts).</summary>
    public IReadOnlyList<string>? Species { get; init; }
}
