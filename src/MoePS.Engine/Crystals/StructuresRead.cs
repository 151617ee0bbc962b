namespace MoePS.Engine.Crystals;

/// <summary>
/// The structures of a file of several (CIF blocks, XYZ frames) that could be read, and an error for each that could not:
/// one bad block or frame does not lose the others.
/// </summary>
public sealed record StructuresRead(IReadOnlyList<Crystal> Crystals, IReadOnlyList<CrystalFormatException> Errors)
{
    /// <summary>The structures when all were read; else the first error, thrown.</summary>
    public IReadOnlyList<Crystal> OrThrow() => Errors.Count == 0 ? Crystals : throw Errors[0];
}
