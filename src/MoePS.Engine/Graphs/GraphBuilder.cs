using MoePS.Engine.Crystals;

namespace MoePS.Engine.Graphs;

/// <summary>Turns crystals into CGCNN graphs. The entry point every caller uses.</summary>
public static class GraphBuilder
{
    /// <summary>
    /// The CGCNN graph of one crystal: per atom the <see cref="GraphSettings.MaxNeighbours"/>
    /// nearest periodic neighbours within the radius, ordered by distance then neighbour index
    /// (see <see cref="CellListNeighbourSearch"/>), padded with index 0 / radius+1.
    /// </summary>
    public static CrystalGraph Build(Crystal crystal, GraphSettings settings) =>
        CellListNeighbourSearch.Build(crystal, settings);
}
