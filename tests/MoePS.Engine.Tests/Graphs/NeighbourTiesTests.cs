using System.Text.Json;
using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;
using Xunit;

namespace MoePS.Engine.Tests.Graphs;

/// <summary>
/// Tied shells at the 12-neighbour cut (issue 9 part 6) on structures whose shells are known by hand, and
/// against the brute-force reference on random ones.
/// </summary>
public class NeighbourTiesTests
{
    static readonly GraphSettings Settings = GraphSettings.Default;

    /// <summary>
    /// Cubic perovskite BaTiO3 with a = 4 Å: Ba at the corner (atom 0), Ti at the centre (atom 1), O at the face
    /// centres (atoms 2–4). Ba: 12 O at 2√2 Å, then 8 Ti at 2√3 Å, so the cut falls between shells. Ti: 6 O at 2 Å,
    /// then 8 images of Ba at 2√3 Å, of which it keeps 6. O: 2 Ti at 2 Å, then 4 Ba and 8 O at 2√2 Å, of which it
    /// keeps 10: which ones changes the graph.
    /// </summary>
    static Crystal Perovskite(double c = 4.0) => Perovskite(new double[,] { { 4, 0, 0 }, { 0, 4, 0 }, { 0, 0, c } }, Ideal);

    static readonly double[][] Ideal = { new[] { 0.0, 0, 0 }, new[] { 0.5, 0.5, 0.5 }, new[] { 0.5, 0.5, 0 }, new[] { 0.5, 0, 0.5 }, new[] { 0, 0.5, 0.5 } };

    /// <summary>
    /// An orthorhombic cell (4 × 4.05 × 4.1 Å) with every atom moved off its ideal site by 0.01–0.03 of a cell edge:
    /// the 12th and 13th neighbours of every atom are at least 5e-3 Å apart (brute force).
    /// </summary>
    static readonly double[][] Displaced =
    {
        new[] { 0.0, 0, 0 }, new[] { 0.51, 0.52, 0.53 }, new[] { 0.513, 0.483, 0.011 }, new[] { 0.479, 0.014, 0.508 }, new[] { 0.012, 0.519, 0.484 },
    };

    static Crystal Perovskite(double[,] matrix, double[][] fractional)
    {
        var lattice = new Lattice(matrix);
        string[] elements = { "Ba", "Ti", "O", "O", "O" };
        return new Crystal("perovskite", lattice,
            fractional.Select((f, i) => new Site(Element.Parse(elements[i]), f, lattice.ToCartesian(f))).ToList());
    }

    [Fact]
    public void CubicPerovskiteHasTheShellsCountedByHand()
    {
        var shells = NeighbourTies.Find(Perovskite(), Settings);
        Assert.Equal(new[] { 1, 2, 3, 4 }, shells.Select(s => s.Atom));

        var ti = shells[0];
        Assert.Equal((6, 6, 8), (ti.FirstSlot, ti.Kept, ti.Count));
        Assert.All(ti.Indices, j => Assert.Equal(0, j));
        Assert.All(ti.Distances, d => Assert.Equal(2 * Math.Sqrt(3), d, 1e-12));
        Assert.False(ti.HasDistinctAtoms);

        foreach (var o in shells.Skip(1))
        {
            Assert.Equal((2, 10, 12), (o.FirstSlot, o.Kept, o.Count));
            Assert.Equal(4, o.Indices.Count(j => j == 0));
            Assert.Equal(8, o.Indices.Count(j => j >= 2 && j != o.Atom));
            Assert.All(o.Distances, d => Assert.Equal(2 * Math.Sqrt(2), d, 1e-12));
            Assert.True(o.HasDistinctAtoms);
        }
    }

    [Fact]
    public void TheGraphKeepsTheFirstMembersOfEachShell()
    {
        var crystal = Perovskite();
        var graph = GraphBuilder.Build(crystal, Settings);
        foreach (var shell in NeighbourTies.Find(crystal, Settings))
        {
            var slots = graph.NeighbourIndex.AsSpan(shell.Atom * 12 + shell.FirstSlot, shell.Kept).ToArray();
            Assert.Equal(shell.Indices.Take(shell.Kept), slots);
        }
    }

    [Fact]
    public void DisplacedPerovskiteHasNoTieAtTheCut() =>
        Assert.Empty(NeighbourTies.Find(Perovskite(new double[,] { { 4, 0, 0 }, { 0, 4.05, 0 }, { 0, 0, 4.1 } }, Displaced), Settings));

    [Fact]
    public void ToleranceDecidesWhatCountsAsEqual()
    {
        // c = 4 + 1e-7 Å: for the O at z = 0 the 4 Ba stay at √8 Å and the 8 O move out by ~4e-8 Å.
        var crystal = Perovskite(c: 4.0 + 1e-7);
        var loose = Assert.Single(NeighbourTies.Find(crystal, Settings), s => s.Atom == 2);
        Assert.Equal((2, 12), (loose.FirstSlot, loose.Count));
        var strict = Assert.Single(NeighbourTies.Find(crystal, Settings, tolerance: 1e-9), s => s.Atom == 2);
        Assert.Equal((6, 8), (strict.FirstSlot, strict.Count));
        Assert.DoesNotContain(0, strict.Indices);
    }

    [Fact]
    public void AnAtomWithFewerNeighboursThanSlotsHasNoCut()
    {
        // Two atoms 3 Å apart in a 6 × 9 × 9 Å cell: 4 real neighbours each, the rest padding (PaddedGraphTests).
        var lattice = new Lattice(new double[,] { { 6, 0, 0 }, { 0, 9, 0 }, { 0, 0, 9 } });
        double[] a = { 0, 0, 0 }, b = { 0.5, 0, 0 };
        var crystal = new Crystal("padded-pair", lattice, new[]
        {
            new Site(Element.Parse("Na"), a, lattice.ToCartesian(a)),
            new Site(Element.Parse("Cl"), b, lattice.ToCartesian(b)),
        });
        Assert.Empty(NeighbourTies.Find(crystal, Settings));
    }

    [Fact]
    public void ShellsLargerThanTheFirstSearchAreFoundWhole()
    {
        // Simple cubic, a = 3 Å: 6 at 3 Å, then 12 at 3√2 Å; with 4 slots the cut falls inside the 6 and, with
        // 7 slots, inside the 12, which is more than the 14 slots searched first minus the 6 before it.
        var lattice = new Lattice(new double[,] { { 3, 0, 0 }, { 0, 3, 0 }, { 0, 0, 3 } });
        var crystal = new Crystal("sc", lattice, new[] { new Site(Element.Parse("Po"), new double[3], new double[3]) });
        var seven = Assert.Single(NeighbourTies.Find(crystal, Settings with { MaxNeighbours = 7 }));
        Assert.Equal((6, 1, 12), (seven.FirstSlot, seven.Kept, seven.Count));
        var four = Assert.Single(NeighbourTies.Find(crystal, Settings with { MaxNeighbours = 4 }));
        Assert.Equal((0, 4, 6), (four.FirstSlot, four.Kept, four.Count));
    }

    public static TheoryData<RandomCrystals.Shape> Shapes() => new(Enum.GetValues<RandomCrystals.Shape>());

    /// <summary>The shells are what the brute-force neighbour lists say: all neighbours within 1e-6 Å of the 12th, when the 13th is.</summary>
    [Theory]
    [MemberData(nameof(Shapes))]
    public void ShellsMatchBruteForce(RandomCrystals.Shape shape)
    {
        int tiedAtoms = 0;
        for (int seed = 0; seed < 15; seed++)
        {
            var crystal = RandomCrystals.Make(shape, seed);
            var all = BruteForceNeighbourSearch.AllNeighbours(crystal, Settings.Radius);
            var shells = NeighbourTies.Find(crystal, Settings).ToDictionary(s => s.Atom);
            for (int atom = 0; atom < crystal.AtomCount; atom++)
            {
                var list = all[atom];
                bool tied = list.Count > 12 && list[12].Distance - list[11].Distance <= NeighbourTies.DefaultTolerance;
                Assert.Equal(tied, shells.ContainsKey(atom));
                if (!tied) continue;
                tiedAtoms++;
                double cut = list[11].Distance;
                var expected = list.Where(n => Math.Abs(n.Distance - cut) <= NeighbourTies.DefaultTolerance).ToList();
                var shell = shells[atom];
                Assert.Equal(expected.Select(n => n.Index).Order(), shell.Indices.Order());
                Assert.Equal(12 - list.FindIndex(n => Math.Abs(n.Distance - cut) <= NeighbourTies.DefaultTolerance), shell.Kept);
            }
        }
        // Half-grid sites in cubic cells are full of equal distances: the comparison must not pass for want of ties.
        if (shape == RandomCrystals.Shape.Symmetric) Assert.True(tiedAtoms >= 10, $"only {tiedAtoms} tied atoms");
    }

    /// <summary>The golden file flags, per atom of the 15 structures the paper's code made graphs of, a tie at the 12th-neighbour cut and its group.</summary>
    [Fact]
    public void ShellsAreTheTiesTheGoldenFileFlags()
    {
        using var golden = JsonDocument.Parse(File.ReadAllBytes(TestData.PathOf("golden", "cgcnn_golden.json")));
        int flagged = 0;
        foreach (var task in golden.RootElement.GetProperty("tasks").EnumerateObject())
            foreach (var structure in task.Value.GetProperty("structures").EnumerateArray())
            {
                var crystal = PymatgenStructure.Read(structure.GetProperty("structure"), task.Name, $"golden {task.Name}");
                var shells = NeighbourTies.Find(crystal, Settings).ToDictionary(s => s.Atom);
                var atoms = structure.GetProperty("neighbors");
                for (int a = 0; a < crystal.AtomCount; a++)
                {
                    string where = $"golden {task.Name} row {structure.GetProperty("row")} atom {a}";
                    bool tie = atoms[a].GetProperty("tie_at_12th_neighbor_cutoff").GetBoolean();
                    Assert.True(tie == shells.ContainsKey(a), $"{where}: golden tie {tie}");
                    if (!tie) continue;
                    flagged++;
                    var group = atoms[a].GetProperty("tie_group");
                    var shell = shells[a];
                    Assert.Equal((group.GetProperty("size").GetInt32(), group.GetProperty("kept").GetInt32()), (shell.Count, shell.Kept));
                    Assert.Equal(group.GetProperty("distinct_indices").EnumerateArray().Select(i => i.GetInt32()).Order(), shell.Indices.Distinct().Order());
                    Assert.Equal(group.GetProperty("selection_changes_index_multiset").GetBoolean(), shell.HasDistinctAtoms);
                }
            }
        Assert.Equal(31, flagged);
    }
}
