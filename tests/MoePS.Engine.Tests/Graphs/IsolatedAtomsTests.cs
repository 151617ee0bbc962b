using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;
using Xunit;

namespace MoePS.Engine.Tests.Graphs;

public class IsolatedAtomsTests
{
    static Crystal Cubic(string id, double edge, params (string Element, double[] Fractional)[] atoms)
    {
        var lattice = new Lattice(new double[,] { { edge, 0, 0 }, { 0, edge, 0 }, { 0, 0, edge } });
        return new Crystal(id, lattice, atoms.Select(a => new Site(Element.Parse(a.Element), a.Fractional, lattice.ToCartesian(a.Fractional))).ToList());
    }

    [Fact]
    public void OneAtomInA1000AngstromCellIsIsolatedAndNamed()
    {
        var lonely = Cubic("lonely", 1000, ("Na", new[] { 0.5, 0.5, 0.5 }));
        Assert.Equal(new[] { 0 }, IsolatedAtoms.Find(lonely, GraphSettings.Default));
        var e = Assert.Throws<IsolatedAtomsException>(() => IsolatedAtoms.Check(lonely, GraphSettings.Default));
        Assert.StartsWith("Structure 'lonely': atom 0 (Na) has no neighbour within 8 Å.", e.Message);
        Assert.Contains("index 0 at 9 Å", e.Message);
        Assert.Equal(8.0, e.Radius);
    }

    [Fact]
    public void OnlyTheAtomsFarFromAllOthersAreIsolated()
    {
        // A pair 2 Å apart and a third atom 33.6 Å from the nearest image of either (its own images are 40 Å away).
        var crystal = Cubic("pair-and-one", 40, ("Na", new[] { 0.1, 0.1, 0.1 }), ("Cl", new[] { 0.15, 0.1, 0.1 }), ("K", new[] { 0.6, 0.6, 0.6 }));
        Assert.Equal(new[] { 2 }, IsolatedAtoms.Find(crystal, GraphSettings.Default));
        Assert.Empty(IsolatedAtoms.Find(crystal, GraphSettings.Default with { Radius = 35 }));
    }

    [Fact]
    public void ACellShorterThanTheRadiusHasNoIsolatedAtoms()
    {
        Assert.Empty(IsolatedAtoms.Find(Cubic("simple-cubic", 7.9, ("Po", new[] { 0.0, 0.0, 0.0 })), GraphSettings.Default));
        Assert.Equal(new[] { 0 }, IsolatedAtoms.Find(Cubic("too-wide", 8.1, ("Po", new[] { 0.0, 0.0, 0.0 })), GraphSettings.Default));
    }

    /// <summary>The shortcut (a lattice vector shorter than the radius) must agree with the brute-force graph.</summary>
    [Theory]
    [InlineData(4.0)]
    [InlineData(8.0)]
    public void AgreesWithTheBruteForceGraphOnRandomCrystals(double radius)
    {
        var settings = GraphSettings.Default with { Radius = radius };
        foreach (var shape in Enum.GetValues<RandomCrystals.Shape>())
            for (int seed = 0; seed < 20; seed++)
            {
                var crystal = RandomCrystals.Make(shape, 500 + seed);
                var all = BruteForceNeighbourSearch.AllNeighbours(crystal, radius);
                var expected = Enumerable.Range(0, crystal.AtomCount).Where(i => all[i].Count == 0);
                Assert.Equal(expected, IsolatedAtoms.Find(crystal, settings));
            }
    }

    [Fact]
    public void DatasetRowsAreNamed()
    {
        var crystals = new[]
        {
            Cubic("a", 4, ("Na", new[] { 0.0, 0.0, 0.0 })),
            Cubic("b", 1000, ("K", new[] { 0.0, 0.0, 0.0 })),
            Cubic("c", 4, ("Cs", new[] { 0.0, 0.0, 0.0 })),
            Cubic("d", 500, ("Li", new[] { 0.0, 0.0, 0.0 }), ("Na", new[] { 0.5, 0.5, 0.5 })),
        };
        var e = Assert.Throws<IsolatedAtomsException>(() => IsolatedAtoms.CheckRows(crystals, GraphSettings.Default, "lonely-set"));
        Assert.Equal(new[] { 1, 3 }, e.Structures.Select(s => s.Index));
        Assert.StartsWith("Dataset 'lonely-set' has atoms with no neighbour within 8 Å: row 1 'b': atom 0 (K); row 3 'd': atoms 0 (Li), 1 (Na).", e.Message);
        IsolatedAtoms.CheckRows(crystals.Where((_, i) => i % 2 == 0).ToList(), GraphSettings.Default, "fine");
    }
}
