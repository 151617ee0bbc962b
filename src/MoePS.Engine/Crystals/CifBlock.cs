namespace MoePS.Engine.Crystals;

/// <summary>One data_ block: single items and loops. Tags are lower-case with DDLm dots turned into underscores.</summary>
public sealed class CifBlock
{
    public CifBlock(string name, int line)
    {
        Name = name;
        Line = line;
    }

    public string Name { get; }
    public int Line { get; }
    public Dictionary<string, CifValue> Items { get; } = new();
    public List<CifLoop> Loops { get; } = new();

    public CifValue? Item(string tag) => Items.TryGetValue(tag, out var v) ? v : null;
    public CifLoop? FindLoop(string tag) => Loops.FirstOrDefault(l => l.Column(tag) >= 0);
}
