using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;
using Xunit;

namespace MoePS.Engine.Tests.Graphs;

/// <summary>The cell-list search against the brute-force reference on random lattices and atoms.</summary>
public class NeighbourSearchPropertyTests
{
    public static TheoryData<RandomCrystals.Shape, int> Shapes()
    {
        var data = new TheoryData<RandomCrystals.Shape, int>();
        foreach (var shape in Enum.GetValues<RandomCrystals.Shape>()) data.Add(shape, 40);
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void CellListMatchesBruteForce(RandomCrystals.Shape shape, int cases)
    {
        for (int seed = 0; seed < cases; seed++)
            AssertSameGraph(RandomCrystals.Make(shape, seed), GraphSettings.Default);
    }

    [Theory]
    [InlineData(4.0, 6)]
    [InlineData(8.0, 12)]
    [InlineData(12.0, 40)]
    public void CellListMatchesBruteForceForOtherRadiiAndCounts(double radius, int maxNeighbours)
    {
        var settings = new GraphSettings { Radius = radius, MaxNeighbours = maxNeighbours };
        for (int seed = 0; seed < 10; seed++)
        {
            AssertSameGraph(RandomCrystals.Make(RandomCrystals.Shape.General, 100 + seed), settings);
            AssertSameGraph(RandomCrystals.Make(RandomCrystals.Shape.Oblique, 100 + seed), settings);
        }
    }

    /// <summary>With room for every neighbour, whole neighbour lists must agree, not just the nearest 12.</summary>
    [Theory]
    [MemberData(nameof(Shapes))]
    public void CompleteNeighbourListsMatchBruteForce(RandomCrystals.Shape shape, int cases)
    {
        var settings = new GraphSettings { MaxNeighbours = 1500 };
        for (int seed = 0; seed < cases / 4; seed++)
            AssertSameGraph(RandomCrystals.Make(shape, 1000 + seed), settings);
    }

    /// <summary>The sparse shape must really exercise padding: partly filled neighbour lists, not only empty or full ones.</summary>
    [Fact]
    public void SparseCrystalsNeedPadding()
    {
        var settings = GraphSettings.Default;
        var counts = Enumerable.Range(0, 40)
            .SelectMany(seed => BruteForceNeighbourSearch.AllNeighbours(RandomCrystals.Make(RandomCrystals.Shape.Sparse, seed), settings.Radius))
            .Select(list => list.Count).ToList();
        Assert.True(counts.Count(c => c > 0 && c < settings.MaxNeighbours) >= 10, $"partly padded atoms: {string.Join(", ", counts)}");
        Assert.Contains(0, counts);
        Assert.Contains(counts, c => c >= settings.MaxNeighbours);
    }

    [Fact]
    public void CellListMatchesBruteForceOnA300AtomCell() =>
        AssertSameGraph(RandomCrystals.Large(300, 15.0, seed: 7), GraphSettings.Default);

    [Fact]
    public void IsolatedAtomsArePadded()
    {
        var lattice = new Lattice(new double[,] { { 20, 0, 0 }, { 0, 20, 0 }, { 0, 0, 20 } });
        var crystal = RandomCrystals.Build("isolated", lattice, new[] { new[] { 0.1, 0.1, 0.1 }, new[] { 0.15, 0.1, 0.1 } }, new Random(1));
        var graph = GraphBuilder.Build(crystal, GraphSettings.Default);
        Assert.Equal(new[] { 1, 0, 0 }, graph.NeighbourIndex[..3]);
        Assert.Equal(1.0, graph.NeighbourDistance[0], 12);
        Assert.All(graph.NeighbourDistance[1..12], d => Assert.Equal(9.0, d));
    }

    static void AssertSameGraph(Crystal crystal, GraphSettings settings)
    {
        var expected = BruteForceNeighbourSearch.Build(crystal, settings);
        var actual = GraphBuilder.Build(crystal, settings);
        Assert.Equal(expected.AtomicNumbers, actual.AtomicNumbers);
        for (int e = 0; e < expected.NeighbourIndex.Length; e++)
        {
            string where = $"{crystal.Id} ({crystal.Lattice}, {crystal.AtomCount} atoms) atom {e / settings.MaxNeighbours} slot {e % settings.MaxNeighbours}";
            Assert.True(expected.NeighbourIndex[e] == actual.NeighbourIndex[e],
                $"{where}: index {actual.NeighbourIndex[e]}, brute force {expected.NeighbourIndex[e]}");
            Assert.True(Math.Abs(expected.NeighbourDistance[e] - actual.NeighbourDistance[e]) <= 1e-9,
                $"{where}: distance {actual.NeighbourDistance[e]:R}, brute force {expected.NeighbourDistance[e]:R}");
        }
    }
}
