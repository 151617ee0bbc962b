using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;
using Xunit;

namespace MoePS.Engine.Tests.Graphs;

/// <summary>The cell-list radius query (every pair, no cap) against the brute-force reference.</summary>
public class NeighbourPairsTests
{
    const double Radius = 5.0;

    public static TheoryData<RandomCrystals.Shape> Shapes()
    {
        var data = new TheoryData<RandomCrystals.Shape>();
        foreach (var shape in Enum.GetValues<RandomCrystals.Shape>()) data.Add(shape);
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void PairsAreTheBruteForceNeighbours(RandomCrystals.Shape shape)
    {
        for (int seed = 0; seed < 10; seed++)
        {
            var crystal = RandomCrystals.Make(shape, 2000 + seed);
            var pairs = CellListNeighbourSearch.PairsWithin(crystal, Radius);
            var expected = BruteForceNeighbourSearch.AllNeighbours(crystal, Radius);
            Assert.Equal(expected.Sum(list => list.Count), pairs.Count);
            for (int i = 0; i < crystal.AtomCount; i++)
            {
                var found = Enumerable.Range(0, pairs.Count).Where(p => pairs.Source[p] == i)
                    .Select(p => (pairs.Target[p], pairs.Distance[p])).Order().ToList();
                Assert.Equal(expected[i].Order().ToList(), found);
            }
            AssertImagesGiveTheDistances(crystal, pairs);
        }
    }

    /// <summary>Images count from the crystal's own coordinates, also where they lie outside [0, 1).</summary>
    [Fact]
    public void ImagesAreCountedFromUnwrappedCoordinates()
    {
        var crystal = RandomCrystals.Make(RandomCrystals.Shape.General, 7);
        var shifted = new Crystal("shifted", crystal.Lattice, crystal.Sites.Select((s, i) =>
        {
            var f = s.Fractional.Select((x, k) => x + (i + k) % 3 - 1).ToArray();
            return new Site(s.Element, f, crystal.Lattice.ToCartesian(f));
        }).ToList());
        var pairs = CellListNeighbourSearch.PairsWithin(shifted, Radius);
        Assert.Equal(CellListNeighbourSearch.PairsWithin(crystal, Radius).Count, pairs.Count);
        AssertImagesGiveTheDistances(shifted, pairs);
    }

    [Fact]
    public void AnAtomIsItsOwnNeighbourOnlyThroughAnotherImage()
    {
        var lattice = new Lattice(new double[,] { { 3, 0, 0 }, { 0, 3, 0 }, { 0, 0, 3 } });
        var crystal = new Crystal("one", lattice, new[] { new Site(Element.Parse("Cu"), new double[] { 0, 0, 0 }, new double[] { 0, 0, 0 }) });
        var pairs = CellListNeighbourSearch.PairsWithin(crystal, Radius);
        // Images within 5 Å of a 3 Å cubic lattice: 6 at 3 Å, 12 at 4.24 Å (none at 5.20 Å).
        Assert.Equal(18, pairs.Count);
        Assert.All(pairs.Distance, d => Assert.True(d > 2.99));
    }

    static void AssertImagesGiveTheDistances(Crystal crystal, NeighbourPairs pairs)
    {
        for (int p = 0; p < pairs.Count; p++)
        {
            var fi = crystal.Sites[pairs.Source[p]].Fractional;
            var fj = crystal.Sites[pairs.Target[p]].Fractional;
            var delta = crystal.Lattice.ToCartesian(new[]
            {
                fj[0] + pairs.Image[3 * p] - fi[0], fj[1] + pairs.Image[3 * p + 1] - fi[1], fj[2] + pairs.Image[3 * p + 2] - fi[2],
            });
            double d = Math.Sqrt(delta.Sum(x => x * x));
            Assert.True(Math.Abs(d - pairs.Distance[p]) < 1e-9, $"{crystal.Id} pair {p}: image gives {d} Å, search {pairs.Distance[p]} Å");
        }
    }
}
