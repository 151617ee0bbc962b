namespace MoePS.Engine.Crystals;

/// <summary>A CIF loop: column tags and rows of values.</summary>
public sealed class CifLoop
{
    public CifLoop(IReadOnlyList<string> tags, IReadOnlyList<CifValue[]> rows, int line)
    {
        Tags = tags;
        Rows = rows;
        Line = line;
    }

    public IReadOnlyList<string> Tags { get; }
    public IReadOnlyList<CifValue[]> Rows { get; }
    public int Line { get; }

    /// <summary>Column index of a (normalised) tag, or -1.</summary>
    public int Column(string tag)
    {
        for (int i = 0; i < Tags.Count; i++) if (Tags[i] == tag) return i;
        return -1;
    }
}
