namespace MoePS.Engine.Graphs;

/// <summary>
/// Other equally valid graphs of a crystal: within each <see cref="TiedShell"/> the cut falls inside, another
/// choice of which members to keep. Used to measure how much a model's prediction depends on tie-breaking.
/// </summary>
public static class TieBreak
{
    /// <summary>
    /// A copy of <paramref name="graph"/> in which each shell's slots hold the members that
    /// <paramref name="choose"/> picks: <see cref="TiedShell.Kept"/> distinct positions into the shell's members.
    /// </summary>
    public static CrystalGraph Rechoose(CrystalGraph graph, IReadOnlyList<TiedShell> shells, Func<TiedShell, IReadOnlyList<int>> choose)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(shells);
        ArgumentNullException.ThrowIfNull(choose);
        int m = graph.MaxNeighbours;
        var index = (int[])graph.NeighbourIndex.Clone();
        var distance = (double[])graph.NeighbourDistance.Clone();
        foreach (var shell in shells)
        {
            if (shell.FirstSlot + shell.Kept != m)
                throw new ArgumentException($"The shell of atom {shell.Atom} ends at slot {shell.FirstSlot + shell.Kept}, not at the graph's {m} neighbours.", nameof(shells));
            var picked = choose(shell);
            if (picked.Count != shell.Kept || picked.Distinct().Count() != picked.Count || picked.Any(p => p < 0 || p >= shell.Count))
                throw new ArgumentException($"A choice for atom {shell.Atom} must be {shell.Kept} distinct positions among its shell's {shell.Count} members.", nameof(choose));
            // Nearest first, as the search orders slots (members differ in distance by at most the tolerance).
            var ordered = picked.OrderBy(p => shell.Distances[p]).ThenBy(p => p).ToArray();
            for (int s = 0; s < ordered.Length; s++)
            {
                int slot = shell.Atom * m + shell.FirstSlot + s;
                index[slot] = shell.Indices[ordered[s]];
                distance[slot] = shell.Distances[ordered[s]];
            }
        }
        return new CrystalGraph(graph.AtomicNumbers, index, distance, m);
    }

    /// <summary>Keeps the last members of each shell in the search's order (the highest atom indices) instead of the first.</summary>
    public static CrystalGraph Reversed(CrystalGraph graph, IReadOnlyList<TiedShell> shells) =>
        Rechoose(graph, shells, s => Enumerable.Range(s.Count - s.Kept, s.Kept).ToArray());

    /// <summary>Keeps a uniformly random subset of each shell, drawn from <paramref name="random"/>.</summary>
    public static CrystalGraph Shuffled(CrystalGraph graph, IReadOnlyList<TiedShell> shells, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return Rechoose(graph, shells, s =>
        {
            var order = Enumerable.Range(0, s.Count).ToArray();
            random.Shuffle(order);
            return order[..s.Kept];
        });
    }
}
