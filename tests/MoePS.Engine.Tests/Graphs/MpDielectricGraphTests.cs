using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;
using Xunit;

namespace MoePS.Engine.Tests.Graphs;

/// <summary>mp_dielectric read once and every graph built once, shared by <see cref="MpDielectricGraphTests"/>.</summary>
public sealed class MpDielectricGraphs
{
    public MpDielectricGraphs()
    {
        (Dataset, Skipped) = MatminerDatasetReader.Read(TestData.PathOf("tasks", "mp_dielectric.json.gz"));
        Crystals = Dataset.Entries.Select(e => e.Crystal).ToList();
        Graphs = GraphBatchBuilder.BuildAll(Crystals, Settings);
    }

    public static GraphSettings Settings => GraphSettings.Default;
    public CrystalDataset Dataset { get; }
    public int Skipped { get; }
    public IReadOnlyList<Crystal> Crystals { get; }
    public IReadOnlyList<CrystalGraph> Graphs { get; }

    /// <summary>Rows whose graph has at least one padded slot (a distance beyond the radius).</summary>
    public IEnumerable<int> PaddedRows =>
        Enumerable.Range(0, Graphs.Count).Where(r => Graphs[r].NeighbourDistance.Any(d => d > Settings.Radius));
}

/// <summary>
/// mp_dielectric (issue 9 part 5) is the first task with a 1-atom structure, structures of up to 288 atoms and one
/// structure whose atoms have fewer than 12 neighbours within 8 Å. Its graphs must be the paper code's graphs.
/// </summary>
public class MpDielectricGraphTests : IClassFixture<MpDielectricGraphs>
{
    readonly MpDielectricGraphs data;

    public MpDielectricGraphTests(MpDielectricGraphs data) => this.data = data;

    static void AssertSameAsBruteForce(Crystal crystal, CrystalGraph graph)
    {
        var expected = BruteForceNeighbourSearch.Build(crystal, MpDielectricGraphs.Settings);
        Assert.Equal(expected.NeighbourIndex, graph.NeighbourIndex);
        for (int e = 0; e < expected.NeighbourDistance.Length; e++)
            Assert.True(Math.Abs(expected.NeighbourDistance[e] - graph.NeighbourDistance[e]) <= 1e-9,
                $"{crystal.Id} slot {e}: {graph.NeighbourDistance[e]:R} vs brute force {expected.NeighbourDistance[e]:R}");
    }

    [Fact]
    public void EveryGraphHasTwelveSortedSlotsPerAtomWithPaddingOnlyAtTheEnd()
    {
        Assert.Equal((4764, 0), (data.Crystals.Count, data.Skipped));
        double radius = MpDielectricGraphs.Settings.Radius, pad = MpDielectricGraphs.Settings.PadDistance;
        for (int r = 0; r < data.Graphs.Count; r++)
        {
            var g = data.Graphs[r];
            Assert.Equal(data.Crystals[r].AtomicNumbers, g.AtomicNumbers);
            Assert.Equal(12, g.MaxNeighbours);
            for (int a = 0; a < g.AtomCount; a++)
            {
                var index = g.NeighbourIndex.AsSpan(a * 12, 12);
                var distance = g.NeighbourDistance.AsSpan(a * 12, 12);
                for (int s = 0; s < 12; s++)
                {
                    Assert.InRange(index[s], 0, g.AtomCount - 1);
                    bool padded = distance[s] > radius;
                    Assert.True(!padded || (distance[s] == pad && index[s] == 0), $"row {r} atom {a} slot {s}: padding must be index 0 at {pad} Å");
                    if (s > 0) Assert.True(distance[s] >= distance[s - 1], $"row {r} atom {a}: slots not nearest first");
                }
            }
        }
    }

    [Fact]
    public void TheOneStructureWithTooFewNeighboursIsPaddedAsThePaperCodePads()
    {
        int row = Assert.Single(data.PaddedRows);
        var crystal = data.Crystals[row];
        var graph = data.Graphs[row];
        Assert.Equal(10, crystal.AtomCount);
        var real = Enumerable.Range(0, graph.AtomCount)
            .Select(a => graph.NeighbourDistance.Skip(a * 12).Take(12).Count(d => d <= MpDielectricGraphs.Settings.Radius)).ToArray();
        Assert.Equal(9, real.Min());
        var all = BruteForceNeighbourSearch.AllNeighbours(crystal, MpDielectricGraphs.Settings.Radius);
        Assert.Equal(all.Select(n => Math.Min(n.Count, 12)), real);
        AssertSameAsBruteForce(crystal, graph);
    }

    [Fact]
    public void TheOneAtomStructuresAreFullOfTheirOwnImages()
    {
        var rows = Enumerable.Range(0, data.Crystals.Count).Where(r => data.Crystals[r].AtomCount == 1).ToList();
        Assert.NotEmpty(rows);
        foreach (int r in rows)
        {
            var graph = data.Graphs[r];
            Assert.Equal(12, graph.NeighbourIndex.Length);
            Assert.All(graph.NeighbourIndex, i => Assert.Equal(0, i));
            Assert.All(graph.NeighbourDistance, d => Assert.InRange(d, 1.0, MpDielectricGraphs.Settings.Radius));
            AssertSameAsBruteForce(data.Crystals[r], graph);
        }
    }

    [Fact]
    public void TheLargestStructuresMatchBruteForce()
    {
        var largest = Enumerable.Range(0, data.Crystals.Count).OrderByDescending(r => data.Crystals[r].AtomCount).Take(3).ToList();
        Assert.Equal(288, data.Crystals[largest[0]].AtomCount);
        foreach (int r in largest) AssertSameAsBruteForce(data.Crystals[r], data.Graphs[r]);
    }

    [Fact]
    public void NoAtomIsWithoutNeighbours() =>
        IsolatedAtoms.CheckRows(data.Crystals, MpDielectricGraphs.Settings, data.Dataset.Name);
}
