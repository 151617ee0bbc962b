using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;
using Xunit;

namespace MoePS.Engine.Tests.Graphs;

/// <summary>Other valid choices within tied shells: only the shells' slots change, and only to other members.</summary>
public class TieBreakTests
{
    static readonly GraphSettings Settings = GraphSettings.Default;

    /// <summary>Rock salt NaCl in its 8-atom cubic cell (a = 5.64 Å): 6 unlike at a/2, then 12 like atoms at a/√2, of which each atom keeps 6.</summary>
    static Crystal RockSalt()
    {
        var lattice = new Lattice(new double[,] { { 5.64, 0, 0 }, { 0, 5.64, 0 }, { 0, 0, 5.64 } });
        var fcc = new[] { new[] { 0.0, 0, 0 }, new[] { 0.5, 0.5, 0 }, new[] { 0.5, 0, 0.5 }, new[] { 0, 0.5, 0.5 } };
        var sites = fcc.Select(f => new Site(Element.Parse("Na"), f, lattice.ToCartesian(f)))
            .Concat(fcc.Select(f => new[] { f[0] + 0.5, f[1], f[2] }).Select(f => new Site(Element.Parse("Cl"), f, lattice.ToCartesian(f))));
        return new Crystal("rock-salt", lattice, sites.ToList());
    }

    static void AssertValidChoice(CrystalGraph original, CrystalGraph chosen, IReadOnlyList<TiedShell> shells)
    {
        int m = original.MaxNeighbours;
        Assert.Equal(original.AtomicNumbers, chosen.AtomicNumbers);
        var byAtom = shells.ToDictionary(s => s.Atom);
        for (int atom = 0; atom < original.AtomCount; atom++)
        {
            int first = byAtom.TryGetValue(atom, out var shell) ? shell.FirstSlot : m;
            Assert.Equal(original.NeighbourIndex.AsSpan(atom * m, first).ToArray(), chosen.NeighbourIndex.AsSpan(atom * m, first).ToArray());
            Assert.Equal(original.NeighbourDistance.AsSpan(atom * m, first).ToArray(), chosen.NeighbourDistance.AsSpan(atom * m, first).ToArray());
            if (shell == null) continue;
            var kept = chosen.NeighbourIndex.AsSpan(atom * m + first, shell.Kept).ToArray();
            var left = shell.Indices.ToList();
            Assert.All(kept, j => Assert.True(left.Remove(j), $"atom {atom} keeps atom {j} more often than its shell holds it"));
            for (int s = first; s < m; s++)
                Assert.Equal(original.NeighbourDistance[atom * m + s], chosen.NeighbourDistance[atom * m + s], NeighbourTies.DefaultTolerance);
        }
    }

    [Fact]
    public void ReversedKeepsTheLastMembersOfEachShell()
    {
        var crystal = RockSalt();
        var graph = GraphBuilder.Build(crystal, Settings);
        var shells = NeighbourTies.Find(crystal, Settings);
        Assert.Equal(8, shells.Count);
        Assert.All(shells, s => Assert.Equal((6, 6, 12), (s.FirstSlot, s.Kept, s.Count)));
        var reversed = TieBreak.Reversed(graph, shells);
        AssertValidChoice(graph, reversed, shells);
        foreach (var s in shells)
            Assert.Equal(s.Indices.Skip(6).Order(), reversed.NeighbourIndex.AsSpan(s.Atom * 12 + 6, 6).ToArray().Order());
        Assert.NotEqual(graph.NeighbourIndex, reversed.NeighbourIndex);
    }

    [Fact]
    public void ShuffledChoicesAreValidAndDiffer()
    {
        var crystal = RockSalt();
        var graph = GraphBuilder.Build(crystal, Settings);
        var shells = NeighbourTies.Find(crystal, Settings);
        var random = new Random(1);
        var seen = new HashSet<string>();
        for (int k = 0; k < 10; k++)
        {
            var shuffled = TieBreak.Shuffled(graph, shells, random);
            AssertValidChoice(graph, shuffled, shells);
            seen.Add(string.Join(",", shuffled.NeighbourIndex));
        }
        Assert.True(seen.Count > 1, "ten random choices gave the same graph");
    }

    [Fact]
    public void WithoutTiesTheGraphIsUnchanged()
    {
        var crystal = RandomCrystals.Make(RandomCrystals.Shape.General, 7);
        var shells = NeighbourTies.Find(crystal, Settings);
        Assert.Empty(shells);
        var graph = GraphBuilder.Build(crystal, Settings);
        var shuffled = TieBreak.Shuffled(graph, shells, new Random(0));
        Assert.Equal(graph.NeighbourIndex, shuffled.NeighbourIndex);
        Assert.Equal(graph.NeighbourDistance, shuffled.NeighbourDistance);
    }

    [Fact]
    public void AChoiceMustBeKeptManyDistinctMembers()
    {
        var crystal = RockSalt();
        var graph = GraphBuilder.Build(crystal, Settings);
        var shells = NeighbourTies.Find(crystal, Settings);
        Assert.Throws<ArgumentException>(() => TieBreak.Rechoose(graph, shells, s => new[] { 0, 1, 2 }));
        Assert.Throws<ArgumentException>(() => TieBreak.Rechoose(graph, shells, s => new[] { 0, 0, 1, 2, 3, 4 }));
        Assert.Throws<ArgumentException>(() => TieBreak.Rechoose(graph, shells, s => new[] { 0, 1, 2, 3, 4, 12 }));
    }
}
