namespace MoePS.Engine.Crystals;

/// <summary>Row indices (into <see cref="CrystalDataset.Entries"/>) of train, validation and test.</summary>
public sealed record DatasetSplit(int[] Train, int[] Validation, int[] Test, string Origin)
{
    /// <summary>How many of a dataset's <paramref name="rows"/> are in no part (a valid split has each row at most once).</summary>
    public int UnusedOf(int rows) => rows - Train.Length - Validation.Length - Test.Length;

    public override string ToString() => $"{Train.Length}/{Validation.Length}/{Test.Length} ({Origin})";
}
