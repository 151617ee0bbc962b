namespace MoePS.Engine.Crystals;

public static class Disorder
{
    const double FullOccupancyTolerance = 1e-3;

    /// <summary>
    /// One element for a site, or an error when the site is disordered and the policy rejects it. Species tied for the
    /// largest occupancy (a 50/50 site) leave the first listed, told to <paramref name="warn"/>.
    /// </summary>
    public static Element Resolve(IReadOnlyList<(Element Element, double Occupancy)> species, string where, DisorderPolicy policy,
        Action<string>? warn = null)
    {
        bool ordered = species.Count == 1 && Math.Abs(species[0].Occupancy - 1.0) <= FullOccupancyTolerance;
        if (ordered) return species[0].Element;
        if (policy == DisorderPolicy.Reject)
        {
            string desc = string.Join(", ", species.Select(s => FormattableString.Invariant($"{s.Element.Symbol}:{s.Occupancy:0.###}")));
            throw new CrystalFormatException(
                $"{where}: disordered site ({desc}). CGCNN needs ordered structures; use -Disorder MajoritySpecies to keep the majority element.");
        }
        var majority = species.OrderByDescending(s => s.Occupancy).First();
        var tied = species.Where(s => majority.Occupancy - s.Occupancy <= FullOccupancyTolerance).ToList();
        if (tied.Count > 1)
            warn?.Invoke(FormattableString.Invariant(
                $"{where}: {string.Join(", ", tied.Select(s => s.Element.Symbol))} tie for the majority (occupancy {majority.Occupancy:0.###}); -Disorder MajoritySpecies kept {majority.Element.Symbol}, the first listed."));
        return majority.Element;
    }
}
