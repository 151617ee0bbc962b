namespace MoePS.Engine.Graphs;

/// <summary>
/// One atom's shell of equidistant neighbours that the neighbour cut (the <see cref="GraphSettings.MaxNeighbours"/>th
/// slot) falls inside: the graph keeps <see cref="Kept"/> of its members, in slots <see cref="FirstSlot"/> to
/// MaxNeighbours − 1, and any other choice of that many members is an equally valid graph.
/// </summary>
/// <param name="Atom">The atom whose neighbours these are.</param>
/// <param name="FirstSlot">The first slot of the graph the shell occupies.</param>
/// <param name="Kept">How many members the graph keeps (MaxNeighbours − FirstSlot).</param>
/// <param name="Indices">Every member's atom index, in the search's order (distance, then index).</param>
/// <param name="Distances">Every member's distance (Å); all agree within the tolerance the shell was found with.</param>
public sealed record TiedShell(int Atom, int FirstSlot, int Kept, IReadOnlyList<int> Indices, IReadOnlyList<double> Distances)
{
    /// <summary>Members in the shell; always more than <see cref="Kept"/>.</summary>
    public int Count => Indices.Count;

    /// <summary>
    /// True when the shell holds images of more than one atom, so the choice changes which atoms are neighbours
    /// (and the prediction); false when all members are images of one atom, where any choice gives the same graph
    /// to within the tolerance.
    /// </summary>
    public bool HasDistinctAtoms => Indices.Distinct().Skip(1).Any();
}
