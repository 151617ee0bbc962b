using MoePS.Engine.Crystals;

namespace MoePS.Engine.Graphs;

/// <summary>
/// Finds atoms with no neighbour within the graph radius (one atom in a 1000 Å cell, a molecule in much vacuum).
/// CGCNN gives such an atom only padding neighbours (index 0 at radius + 1, whose Gaussian features are ≈ 0), so
/// its features never see its surroundings and a prediction for its structure is not trustworthy. The engine
/// reports them (<see cref="IsolatedAtomsException"/>); callers decide whether to go on.
/// </summary>
public static class IsolatedAtoms
{
    /// <summary>Indices of the atoms of <paramref name="crystal"/> with no neighbour within the radius; empty for nearly every crystal.</summary>
    public static int[] Find(Crystal crystal, GraphSettings settings)
    {
        ArgumentNullException.ThrowIfNull(crystal);
        ArgumentNullException.ThrowIfNull(settings);
        // A lattice vector shorter than the radius makes every atom's own image its neighbour: no search needed.
        var lattice = crystal.Lattice;
        if (Math.Min(lattice.A, Math.Min(lattice.B, lattice.C)) < settings.Radius * (1 - 1e-9)) return Array.Empty<int>();
        return Find(GraphBuilder.Build(crystal, settings), settings);
    }

    /// <summary>Indices of the atoms of a built graph that have only padding neighbours.</summary>
    public static int[] Find(CrystalGraph graph, GraphSettings settings)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(settings);
        int m = graph.MaxNeighbours;
        // Neighbours are sorted nearest first, so an atom whose first slot is padding (beyond the radius) has none.
        return Enumerable.Range(0, graph.AtomCount).Where(i => graph.NeighbourDistance[i * m] > settings.Radius).ToArray();
    }

    /// <summary>Throws <see cref="IsolatedAtomsException"/> naming the crystal and its atoms when any atom has no neighbour.</summary>
    public static void Check(Crystal crystal, GraphSettings settings)
    {
        var atoms = Find(crystal, settings);
        if (atoms.Length > 0) throw new IsolatedAtomsException(new[] { new IsolatedStructure(0, crystal, atoms) }, settings.Radius);
    }

    /// <summary>Throws <see cref="IsolatedAtomsException"/> naming the rows of <paramref name="datasetName"/> whose structures have atoms with no neighbour.</summary>
    public static void CheckRows(IReadOnlyList<Crystal> crystals, GraphSettings settings, string datasetName, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(crystals);
        var atoms = new int[crystals.Count][];
        Parallel.For(0, crystals.Count, new ParallelOptions { CancellationToken = cancellation }, row => atoms[row] = Find(crystals[row], settings));
        var found = Enumerable.Range(0, crystals.Count).Where(row => atoms[row].Length > 0)
            .Select(row => new IsolatedStructure(row, crystals[row], atoms[row])).ToList();
        if (found.Count > 0) throw new IsolatedAtomsException(found, settings.Radius, datasetName);
    }
}
