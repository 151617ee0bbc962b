namespace MoePS.Engine.Crystals;

/// <summary>A periodic structure: lattice plus atoms, with an id and optional named properties.</summary>
public sealed class Crystal
{
    public Crystal(string id, Lattice lattice, IReadOnlyList<Site> sites, IReadOnlyDictionary<string, object?>? properties = null, string? source = null)
    {
        if (sites.Count == 0) throw new CrystalFormatException($"Structure '{id}' has no atoms.");
        Id = id;
        Lattice = lattice;
        Sites = sites;
        Properties = properties ?? new Dictionary<string, object?>();
        Source = source;
        Formula = Crystals.Formula.Reduced(sites.Select(s => s.Element));
    }

    public string Id { get; }
    public string Formula { get; }
    public Lattice Lattice { get; }
    public IReadOnlyList<Site> Sites { get; }
    public int AtomCount => Sites.Count;
    /// <summary>File (and block/row) the structure came from, for error messages.</summary>
    public string? Source { get; }
    public IReadOnlyDictionary<string, object?> Properties { get; }

    public int[] AtomicNumbers => Sites.Select(s => s.Element.Number).ToArray();

    public override string ToString() => $"{Id} {Formula} ({AtomCount} atoms)";
}
