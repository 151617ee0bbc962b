using MoePS.Engine.Crystals;

namespace MoePS.Engine.Graphs;

/// <summary>A structure with atoms that have no neighbour within the graph radius; <see cref="Index"/> is its place in the list searched.</summary>
public sealed record IsolatedStructure(int Index, Crystal Crystal, int[] Atoms);
