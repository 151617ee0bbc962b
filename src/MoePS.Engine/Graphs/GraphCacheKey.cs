using MoePS.Engine.Crystals;

namespace MoePS.Engine.Graphs;

/// <summary>The content key of a cached graph: the <see cref="StructureKey"/> of the structure under the graph settings' <see cref="GraphSettings.Key"/>.</summary>
public static class GraphCacheKey
{
    const string Domain = "moeps-graph-v1";

    public static byte[] Compute(Crystal crystal, GraphSettings settings) => StructureKey.Compute(crystal, $"{Domain}\0{settings.Key}\0");
}
