namespace MoePS.Engine.Crystals;

/// <summary>Chemical formulas of structures.</summary>
public static class Formula
{
    /// <summary>
    /// Reduced formula, elements in order of first appearance, counts divided by their GCD,
    /// count 1 omitted: Si8 → "Si", Sr2Ti2O6 → "SrTiO3".
    /// </summary>
    public static string Reduced(IEnumerable<Element> atoms)
    {
        var counts = new List<(Element Element, int Count)>();
        foreach (var e in atoms)
        {
            int i = counts.FindIndex(c => c.Element == e);
            if (i < 0) counts.Add((e, 1));
            else counts[i] = (e, counts[i].Count + 1);
        }
        int g = counts.Aggregate(0, (acc, c) => Gcd(acc, c.Count));
        return string.Concat(counts.Select(c => c.Count / g == 1 ? c.Element.Symbol : $"{c.Element.Symbol}{c.Count / g}"));
    }

    static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);
}
