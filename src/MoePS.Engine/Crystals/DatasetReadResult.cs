namespace MoePS.Engine.Crystals;

/// <summary>A dataset read from a file or folder, and how many rows were left out for a missing or NaN target.</summary>
public sealed record DatasetReadResult(CrystalDataset Dataset, int SkippedRows);
