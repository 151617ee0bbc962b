using MoePS.Engine.Crystals;

namespace MoePS.Engine.Graphs;

/// <summary>Turns crystals into CGCNN graphs. The entry point every caller uses.</summary>
public static class GraphBuilder
{
    public static CrystalGraph Build(Crystal crystal, GraphSettings settings) =>
        BruteForceNeighbourSearch.Build(crystal, settings);
}
