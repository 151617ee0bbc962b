using MoePS.Engine.Crystals;
using MoePS.Engine.Runtime;

namespace MoePS.Engine.Graphs;

/// <summary>
/// Graphs kept on disk, one file per (structure content, graph settings), so re-importing a
/// dataset does not rebuild them. Entries are written to a temporary file and renamed into
/// place, so a killed process never leaves a half-written entry under the final name;
/// damaged entries fail validation (<see cref="GraphCacheFile"/>) and are rebuilt.
/// Safe to use from several threads and processes at once.
/// </summary>
public sealed class GraphCache
{
    const string Extension = ".graph";

    /// <param name="folder">Where entries live; default <c>DataLocations.CacheFolder()/graphs</c>.</param>
    public GraphCache(string? folder = null) =>
        Folder = Path.GetFullPath(folder ?? Path.Combine(DataLocations.CacheFolder(), "graphs"));

    public string Folder { get; }

    /// <summary>The file an entry for this crystal and these settings is stored in.</summary>
    public string PathOf(Crystal crystal, GraphSettings settings) =>
        PathOf(GraphCacheKey.Compute(crystal, settings));

    string PathOf(byte[] key) => Path.Combine(Folder, StructureKey.ToHex(key) + Extension);

    /// <summary>The cached graph, or false when there is no valid entry (missing, truncated, damaged, or for other atoms).</summary>
    public bool TryLoad(Crystal crystal, GraphSettings settings, out CrystalGraph graph) =>
        TryLoad(crystal, settings, GraphCacheKey.Compute(crystal, settings), out graph);

    bool TryLoad(Crystal crystal, GraphSettings settings, byte[] key, out CrystalGraph graph)
    {
        graph = null!;
        byte[] bytes;
        try { bytes = File.ReadAllBytes(PathOf(key)); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { return false; }
        var decoded = GraphCacheFile.Decode(bytes, key);
        if (decoded == null || decoded.MaxNeighbours != settings.MaxNeighbours
            || !decoded.AtomicNumbers.AsSpan().SequenceEqual(crystal.AtomicNumbers)) return false;
        graph = decoded;
        return true;
    }

    /// <summary>Stores the graph atomically (temporary file, then rename over any old entry).</summary>
    public void Store(Crystal crystal, GraphSettings settings, CrystalGraph graph) =>
        Store(GraphCacheKey.Compute(crystal, settings), graph);

    void Store(byte[] key, CrystalGraph graph)
    {
        AtomicFile.WriteAllBytes(PathOf(key), GraphCacheFile.Encode(graph, key), overwrite: true);
    }

    /// <summary>The cached graph, or a freshly built one that is then cached.</summary>
    public CrystalGraph GetOrBuild(Crystal crystal, GraphSettings settings)
    {
        var key = GraphCacheKey.Compute(crystal, settings);
        if (TryLoad(crystal, settings, key, out var graph)) return graph;
        graph = GraphBuilder.Build(crystal, settings);
        Store(key, graph);
        return graph;
    }
}
