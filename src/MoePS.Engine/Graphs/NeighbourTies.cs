using MoePS.Engine.Crystals;

namespace MoePS.Engine.Graphs;

/// <summary>
/// Finds where the neighbour cut falls inside a shell of equidistant atoms: an atom whose
/// MaxNeighbours-th and next neighbour within the radius are equally far (within a tolerance). In
/// high-symmetry crystals this is common, and which members the graph keeps is then a matter of
/// tie-breaking, not of geometry: the engine keeps the lowest atom indices (see
/// <see cref="CellListNeighbourSearch"/>), the paper's code whatever pymatgen's internal order puts first.
/// </summary>
public static class NeighbourTies
{
    /// <summary>Distances closer than this (Å) count as equal.</summary>
    public const double DefaultTolerance = 1e-6;

    /// <summary>
    /// The tied shells at the cut of each atom of <paramref name="crystal"/>, by atom; empty when the cut
    /// falls between shells everywhere (or an atom has fewer neighbours than slots).
    /// </summary>
    /// <remarks>
    /// Searches with the engine's own neighbour search for more neighbours than the graph keeps (twice as
    /// many, and more until every shell is complete), so the first MaxNeighbours slots are the graph's.
    /// A shell is every neighbour within <paramref name="tolerance"/> of the MaxNeighbours-th distance.
    /// </remarks>
    public static IReadOnlyList<TiedShell> Find(Crystal crystal, GraphSettings settings, double tolerance = DefaultTolerance)
    {
        ArgumentNullException.ThrowIfNull(crystal);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfNegative(tolerance);
        int m = settings.MaxNeighbours;
        for (int width = 2 * m; ; width *= 2)
        {
            var wide = CellListNeighbourSearch.Build(crystal, settings with { MaxNeighbours = width });
            var shells = TryCollect(wide, m, settings.Radius, tolerance);
            if (shells != null) return shells;
        }
    }

    /// <summary>The shells in a graph searched <c>wide.MaxNeighbours</c> deep, or null when a shell may continue past its last slot.</summary>
    static List<TiedShell>? TryCollect(CrystalGraph wide, int m, double radius, double tolerance)
    {
        int width = wide.MaxNeighbours;
        var shells = new List<TiedShell>();
        for (int atom = 0; atom < wide.AtomCount; atom++)
        {
            var d = wide.NeighbourDistance.AsSpan(atom * width, width);
            double cut = d[m - 1];
            if (d[m] > radius || d[m] - cut > tolerance) continue;
            int first = m - 1;
            while (first > 0 && cut - d[first - 1] <= tolerance) first--;
            int end = m;
            while (end < width && d[end] <= radius && d[end] - cut <= tolerance) end++;
            if (end == width) return null;
            var index = wide.NeighbourIndex.AsSpan(atom * width, width);
            shells.Add(new TiedShell(atom, first, m - first, index[first..end].ToArray(), d[first..end].ToArray()));
        }
        return shells;
    }
}
