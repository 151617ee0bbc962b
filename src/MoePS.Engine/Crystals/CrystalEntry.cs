namespace MoePS.Engine.Crystals;

/// <summary>One labelled row of a dataset: a structure, its target (NaN when unknown) and extra columns.</summary>
public sealed class CrystalEntry
{
    public CrystalEntry(Crystal crystal, double target, IReadOnlyDictionary<string, object?>? extras = null)
    {
        Crystal = crystal;
        Target = target;
        Extras = extras ?? new Dictionary<string, object?>();
    }

    public Crystal Crystal { get; }
    public double Target { get; }
    public bool HasTarget => !double.IsNaN(Target);
    public IReadOnlyDictionary<string, object?> Extras { get; }
}
