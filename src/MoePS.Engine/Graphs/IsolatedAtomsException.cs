using System.Globalization;

namespace MoePS.Engine.Graphs;

/// <summary>Structures have atoms with no neighbour within the graph radius (<see cref="IsolatedAtoms"/>); the message names them.</summary>
public sealed class IsolatedAtomsException : Exception
{
    /// <summary>How many structures, and atoms per structure, a message names.</summary>
    const int Named = 3;

    /// <param name="structures">The structures found, at least one.</param>
    /// <param name="radius">The graph radius (Å).</param>
    /// <param name="datasetName">The dataset the structures are rows of; null for structures on their own.</param>
    public IsolatedAtomsException(IReadOnlyList<IsolatedStructure> structures, double radius, string? datasetName = null)
        : base(Compose(structures, radius, datasetName))
    {
        Structures = structures;
        Radius = radius;
    }

    public IReadOnlyList<IsolatedStructure> Structures { get; }
    public double Radius { get; }

    static string Compose(IReadOnlyList<IsolatedStructure> structures, double radius, string? datasetName)
    {
        ArgumentNullException.ThrowIfNull(structures);
        string why = string.Create(CultureInfo.InvariantCulture,
            $"CGCNN sees only padding around such atoms (index 0 at {radius + 1} Å), so their surroundings are ignored.");
        if (datasetName == null)
        {
            var s = structures[0];
            string verb = s.Atoms.Length == 1 ? "has" : "have";
            return string.Create(CultureInfo.InvariantCulture,
                $"Structure '{s.Crystal.Id}'{From(s)}: {Atoms(s)} {verb} no neighbour within {radius} Å. {why}");
        }
        var named = structures.Take(Named).Select(s => string.Create(CultureInfo.InvariantCulture, $"row {s.Index} '{s.Crystal.Id}': {Atoms(s)}"));
        string more = structures.Count > Named ? string.Create(CultureInfo.InvariantCulture, $"; … ({structures.Count} structures in all)") : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"Dataset '{datasetName}' has atoms with no neighbour within {radius} Å: {string.Join("; ", named)}{more}. {why}");
    }

    static string From(IsolatedStructure s) => s.Crystal.Source == null ? "" : $" ({s.Crystal.Source})";

    static string Atoms(IsolatedStructure s)
    {
        string listed = string.Join(", ", s.Atoms.Take(Named).Select(i => string.Create(CultureInfo.InvariantCulture, $"{i} ({s.Crystal.Sites[i].Element.Symbol})")));
        string more = s.Atoms.Length > Named ? string.Create(CultureInfo.InvariantCulture, $", … ({s.Atoms.Length} in all)") : "";
        return s.Atoms.Length == 1 ? $"atom {listed}" : $"atoms {listed}{more}";
    }
}
