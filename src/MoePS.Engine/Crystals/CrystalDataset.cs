namespace MoePS.Engine.Crystals;

/// <summary>A named, labelled set of crystals; optionally split into train/validation/test.</summary>
public sealed class CrystalDataset
{
    public CrystalDataset(string name, string targetName, string? unit, IReadOnlyList<CrystalEntry> entries,
        DatasetSplit? split = null, string? source = null)
    {
        Name = name;
        TargetName = targetName;
        Unit = unit;
        Entries = entries;
        Split = split;
        Source = source;
    }

    public string Name { get; }
    public string TargetName { get; }
    public string? Unit { get; }
    public IReadOnlyList<CrystalEntry> Entries { get; }
    public DatasetSplit? Split { get; }
    public string? Source { get; }
    public int Count => Entries.Count;

    /// <summary>This dataset with <paramref name="split"/>; refuses rows outside the dataset, in two parts, or twice in one part.</summary>
    public CrystalDataset WithSplit(DatasetSplit split)
    {
        foreach (int i in split.Train.Concat(split.Validation).Concat(split.Test))
            if (i < 0 || i >= Entries.Count)
                throw new ArgumentOutOfRangeException(nameof(split), $"Split index {i} is outside the dataset '{Name}' ({Entries.Count} rows).");
        var problems = SplitOverlap.Problems(split);
        if (problems.Count > 0)
            throw new ArgumentException($"The split {split.Origin} of dataset '{Name}' is leaky: {string.Join("; ", problems)}.", nameof(split));
        return new CrystalDataset(Name, TargetName, Unit, Entries, split, Source);
    }

    public IEnumerable<CrystalEntry> Rows(IEnumerable<int> indices) => indices.Select(i => Entries[i]);

    /// <summary>Ids that more than one row has, each with its rows (from 0), in the order they first appear.</summary>
    public IReadOnlyList<(string Id, int[] Rows)> DuplicateIds() => Entries
        .Select((e, row) => (e.Crystal.Id, Row: row))
        .GroupBy(r => r.Id, StringComparer.Ordinal)
        .Where(g => g.Count() > 1)
        .Select(g => (g.Key, g.Select(r => r.Row).ToArray()))
        .ToList();

    public override string ToString() => $"{Name}: {Count} rows, target '{TargetName}'{(Unit == null ? "" : $" [{Unit}]")}";
}
