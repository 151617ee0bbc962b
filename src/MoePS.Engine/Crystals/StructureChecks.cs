namespace MoePS.Engine.Crystals;

/// <summary>Sanity checks every reader applies to the structures it returns.</summary>
public static class StructureChecks
{
    /// <summary>Two atoms closer than this (Å) are taken as a broken file, not chemistry (the shortest real bond, H–H, is 0.74 Å).</summary>
    public const double MinimumSeparation = 0.5;

    /// <summary>Throws when two atoms, or an atom and its own periodic image, are closer than <see cref="MinimumSeparation"/>.</summary>
    public static void EnsureNoOverlaps(Lattice lattice, IReadOnlyList<Site> sites, string? path, string where)
    {
        for (int i = 0; i < sites.Count; i++)
        {
            double self = PeriodicGeometry.Distance(lattice, sites[i].Fractional, sites[i].Fractional, excludeZeroImage: true);
            if (self < MinimumSeparation)
                throw new CrystalFormatException(
                    FormattableString.Invariant($"{where}: atom {i} ({sites[i].Label}) is {self:0.###} Å from its own periodic image; the cell is too small."), path);
            for (int j = i + 1; j < sites.Count; j++)
            {
                double d = PeriodicGeometry.Distance(lattice, sites[i].Fractional, sites[j].Fractional);
                if (d < MinimumSeparation)
                    throw new CrystalFormatException(FormattableString.Invariant(
                        $"{where}: overlapping atoms {i} ({sites[i].Label}) and {j} ({sites[j].Label}) are {d:0.###} Å apart (minimum {MinimumSeparation} Å)."), path);
            }
        }
    }
}
