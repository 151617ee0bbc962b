namespace MoePS.Engine.Crystals;

/// <summary>Sanity checks every reader applies to the structures it returns.</summary>
public static class StructureChecks
{
    /// <summary>Two atoms closer than this (Å) are taken as a broken file, not chemistry (the shortest real bond, H–H, is 0.74 Å).</summary>
    public const double MinimumSeparation = 0.5;

    /// <summary>
    /// Throws when two atoms, or an atom and its own periodic image, are closer than <see cref="MinimumSeparation"/>; names
    /// the first such pair (lowest first index, then lowest second). Linear in the atoms (<see cref="FractionalGrid"/>).
    /// </summary>
    public static void EnsureNoOverlaps(Lattice lattice, IReadOnlyList<Site> sites, string? path, string where)
    {
        if (sites.Count == 0) return;
        // Every atom is as far from its own images as the shortest lattice vector is long.
        double self = PeriodicGeometry.Distance(lattice, sites[0].Fractional, sites[0].Fractional, excludeZeroImage: true);
        if (self < MinimumSeparation)
            throw new CrystalFormatException(
                FormattableString.Invariant($"{where}: atom 0 ({sites[0].Label}) is {self:0.###} Å from its own periodic image; the cell is too small."), path);
        var grid = new FractionalGrid(lattice, MinimumSeparation);
        for (int i = 0; i < sites.Count; i++) grid.Add(i, sites[i].Fractional);
        for (int i = 0; i < sites.Count; i++)
        {
            int closest = -1;
            double distance = 0;
            foreach (int j in grid.Near(sites[i].Fractional))
            {
                if (j <= i || (closest >= 0 && j > closest)) continue;
                double d = PeriodicGeometry.Distance(lattice, sites[i].Fractional, sites[j].Fractional);
                if (d < MinimumSeparation) (closest, distance) = (j, d);
            }
            if (closest >= 0)
                throw new CrystalFormatException(FormattableString.Invariant(
                    $"{where}: overlapping atoms {i} ({sites[i].Label}) and {closest} ({sites[closest].Label}) are {distance:0.###} Å apart (minimum {MinimumSeparation} Å)."), path);
        }
    }
}
