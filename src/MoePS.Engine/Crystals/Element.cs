namespace MoePS.Engine.Crystals;

/// <summary>A chemical element, by atomic number and symbol.</summary>
public sealed record Element(int Number, string Symbol)
{
    static readonly string[] Symbols =
    {
        "H", "He", "Li", "Be", "B", "C", "N", "O", "F", "Ne", "Na", "Mg", "Al", "Si", "P", "S", "Cl", "Ar",
        "K", "Ca", "Sc", "Ti", "V", "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn", "Ga", "Ge", "As", "Se", "Br", "Kr",
        "Rb", "Sr", "Y", "Zr", "Nb", "Mo", "Tc", "Ru", "Rh", "Pd", "Ag", "Cd", "In", "Sn", "Sb", "Te", "I", "Xe",
        "Cs", "Ba", "La", "Ce", "Pr", "Nd", "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu",
        "Hf", "Ta", "W", "Re", "Os", "Ir", "Pt", "Au", "Hg", "Tl", "Pb", "Bi", "Po", "At", "Rn",
        "Fr", "Ra", "Ac", "Th", "Pa", "U", "Np", "Pu", "Am", "Cm", "Bk", "Cf", "Es", "Fm", "Md", "No", "Lr",
        "Rf", "Db", "Sg", "Bh", "Hs", "Mt", "Ds", "Rg", "Cn", "Nh", "Fl", "Mc", "Lv", "Ts", "Og",
    };

    static readonly Dictionary<string, Element> BySymbol =
        Symbols.Select((s, i) => new Element(i + 1, s)).ToDictionary(e => e.Symbol, StringComparer.OrdinalIgnoreCase);

    public static int Count => Symbols.Length;

    public static Element FromNumber(int z) =>
        z >= 1 && z <= Symbols.Length ? BySymbol[Symbols[z - 1]]
        : throw new CrystalFormatException($"Unknown atomic number {z}.");

    /// <summary>Parses a symbol, tolerating CIF-style labels and charges such as "Fe2+", "O1", "Si4".</summary>
    public static bool TryParse(string text, out Element element)
    {
        element = null!;
        if (string.IsNullOrWhiteSpace(text)) return false;
        string t = text.Trim();
        int n = 0;
        while (n < t.Length && n < 2 && char.IsLetter(t[n])) n++;
        // Prefer a two-letter symbol ("Si") over its one-letter prefix ("S").
        if (n == 2 && BySymbol.TryGetValue(t[..2], out var two) && char.IsLower(t[1])) { element = two; return true; }
        if (n >= 1 && BySymbol.TryGetValue(t[..1], out var one)) { element = one; return true; }
        return false;
    }

    public static Element Parse(string text) =>
        TryParse(text, out var e) ? e : throw new CrystalFormatException($"Unknown element '{text}'.");

    public override string ToString() => Symbol;
}
