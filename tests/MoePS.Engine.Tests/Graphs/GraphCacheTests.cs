using MoePS.Engine.Graphs;
using Xunit;

namespace MoePS.Engine.Tests.Graphs;

public sealed class GraphCacheTests : IDisposable
{
    readonly string folder = Path.Combine(Path.GetTempPath(), "moeps-graph-cache-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void CacheHitReturnsTheBuiltGraph()
    {
        var cache = new GraphCache(folder);
        var crystal = RandomCrystals.Make(RandomCrystals.Shape.General, 11);
        Assert.False(cache.TryLoad(crystal, GraphSettings.Default, out _));
        var built = cache.GetOrBuild(crystal, GraphSettings.Default);
        Assert.True(cache.TryLoad(crystal, GraphSettings.Default, out var loaded));
        AssertEqual(built, loaded);
        AssertEqual(GraphBuilder.Build(crystal, GraphSettings.Default), loaded);
        Assert.Equal(new[] { cache.PathOf(crystal, GraphSettings.Default) }, Directory.GetFiles(folder));
    }

    [Fact]
    public void KeyDependsOnContentAndSettings()
    {
        var a = RandomCrystals.Make(RandomCrystals.Shape.General, 12);
        var otherSpecies = RandomCrystals.Build("other species", a.Lattice, a.Sites.Select(s => (double[])s.Fractional.Clone()), new Random(0));
        var sameAtoms = new MoePS.Engine.Crystals.Crystal("copy", a.Lattice, a.Sites);
        Assert.Equal(GraphCacheKey.Compute(a, GraphSettings.Default), GraphCacheKey.Compute(sameAtoms, GraphSettings.Default));
        Assert.NotEqual(GraphCacheKey.Compute(a, GraphSettings.Default), GraphCacheKey.Compute(a, GraphSettings.Default with { Radius = 6 }));
        Assert.NotEqual(GraphCacheKey.Compute(a, GraphSettings.Default), GraphCacheKey.Compute(otherSpecies, GraphSettings.Default));
        var moved = a.Sites.Select(s => s.Fractional.ToArray()).ToArray();
        moved[0][0] = BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(moved[0][0]) + 1); // one ulp
        var nudged = new MoePS.Engine.Crystals.Crystal("nudged", a.Lattice,
            a.Sites.Select((s, i) => new MoePS.Engine.Crystals.Site(s.Element, moved[i], a.Lattice.ToCartesian(moved[i]))).ToList());
        Assert.NotEqual(GraphCacheKey.Compute(a, GraphSettings.Default), GraphCacheKey.Compute(nudged, GraphSettings.Default));
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("flipped")]
    [InlineData("empty")]
    public void DamagedEntryIsIgnoredAndRebuilt(string damage)
    {
        var cache = new GraphCache(folder);
        var crystal = RandomCrystals.Make(RandomCrystals.Shape.Oblique, 13);
        var built = cache.GetOrBuild(crystal, GraphSettings.Default);
        string file = cache.PathOf(crystal, GraphSettings.Default);
        var bytes = File.ReadAllBytes(file);
        File.WriteAllBytes(file, damage switch
        {
            "truncated" => bytes[..(bytes.Length / 2)],
            "flipped" => bytes.Select((b, i) => i == bytes.Length / 2 ? (byte)(b ^ 1) : b).ToArray(),
            _ => Array.Empty<byte>(),
        });

        Assert.False(cache.TryLoad(crystal, GraphSettings.Default, out _));
        AssertEqual(built, cache.GetOrBuild(crystal, GraphSettings.Default));
        Assert.Equal(bytes, File.ReadAllBytes(file));
        Assert.True(cache.TryLoad(crystal, GraphSettings.Default, out _));
    }

    [Fact]
    public void ParallelBatchThroughTheCacheLeavesOnlyCompleteEntries()
    {
        var cache = new GraphCache(folder);
        var crystals = Enumerable.Range(0, 30).Select(s => RandomCrystals.Make(RandomCrystals.Shape.General, 200 + s % 15)).ToList();
        var first = GraphBatchBuilder.BuildAll(crystals, GraphSettings.Default, maxDegreeOfParallelism: 4, cache: cache);
        var again = GraphBatchBuilder.BuildAll(crystals, GraphSettings.Default, maxDegreeOfParallelism: 4, cache: cache);
        for (int i = 0; i < crystals.Count; i++) AssertEqual(first[i], again[i]);
        var files = Directory.GetFiles(folder);
        Assert.Equal(15, files.Length); // duplicates share an entry
        Assert.All(files, f => Assert.EndsWith(".graph", f));
    }

    [Fact]
    public void DefaultFolderIsUnderTheUserCache() =>
        Assert.Equal(Path.Combine(Path.GetFullPath(MoePS.Engine.Runtime.DataLocations.CacheFolder()), "graphs"), new GraphCache().Folder);

    internal static void AssertEqual(CrystalGraph expected, CrystalGraph actual)
    {
        Assert.Equal(expected.MaxNeighbours, actual.MaxNeighbours);
        Assert.Equal(expected.AtomicNumbers, actual.AtomicNumbers);
        Assert.Equal(expected.NeighbourIndex, actual.NeighbourIndex);
        Assert.Equal(expected.NeighbourDistance, actual.NeighbourDistance);
    }
}
