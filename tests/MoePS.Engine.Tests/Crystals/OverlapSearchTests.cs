using System.Globalization;
using MoePS.Engine.Crystals;
using Xunit;

namespace MoePS.Engine.Tests.Crystals;

/// <summary>
/// The overlap check and the CIF reader's merging of symmetry copies look for close pairs on a grid
/// (<see cref="FractionalGrid"/>) instead of over all pairs; they must find exactly what the all-pairs scan finds.
/// </summary>
public class OverlapSearchTests
{
    static readonly Lattice[] Cells =
    {
        Lattice.FromParameters(4, 4, 4, 90, 90, 90),
        Lattice.FromParameters(3.1, 5.7, 9.3, 70, 110, 100),  // triclinic
        Lattice.FromParameters(2.2, 2.6, 30, 90, 90, 120),    // thin in two directions, long in the third
        Lattice.FromParameters(6, 6, 6, 35, 35, 35),          // strongly sheared rhombohedral
    };

    /// <summary>The first overlapping pair (lowest i, then lowest j) by the all-pairs scan, or null.</summary>
    static (int, int)? BruteForce(Lattice lattice, List<Site> sites)
    {
        for (int i = 0; i < sites.Count; i++)
            for (int j = i + 1; j < sites.Count; j++)
                if (PeriodicGeometry.Distance(lattice, sites[i].Fractional, sites[j].Fractional) < StructureChecks.MinimumSeparation) return (i, j);
        return null;
    }

    static (int, int)? FoundByCheck(Lattice lattice, List<Site> sites)
    {
        try
        {
            StructureChecks.EnsureNoOverlaps(lattice, sites, null, "test");
            return null;
        }
        catch (CrystalFormatException e)
        {
            var m = System.Text.RegularExpressions.Regex.Match(e.Message, @"overlapping atoms (\d+) \(.*\) and (\d+) \(");
            Assert.True(m.Success, e.Message);
            return (int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void TheGridFindsTheSameFirstOverlapAsTheAllPairsScan()
    {
        var random = new Random(11);
        int withOverlap = 0;
        for (int trial = 0; trial < 400; trial++)
        {
            var lattice = Cells[trial % Cells.Length];
            int n = random.Next(2, 40);
            var sites = new List<Site>();
            for (int i = 0; i < n; i++)
            {
                double[] f = random.NextDouble() < 0.1 && i > 0
                    ? sites[random.Next(i)].Fractional.Select(x => x + (random.NextDouble() - 0.5) * 0.08 + (random.Next(3) - 1)).ToArray() // near another, maybe across a face
                    : new[] { random.NextDouble(), random.NextDouble(), random.NextDouble() };
                sites.Add(new Site(Element.Parse("Si"), f, lattice.ToCartesian(f), $"Si{i}"));
            }
            var expected = BruteForce(lattice, sites);
            if (expected != null) withOverlap++;
            Assert.Equal(expected, FoundByCheck(lattice, sites));
        }
        Assert.InRange(withOverlap, 50, 350); // both outcomes were exercised
    }

    [Fact]
    public void AnAtomTooCloseToItsOwnImageIsStillRefused()
    {
        var lattice = Lattice.FromParameters(0.4, 5, 5, 90, 90, 90);
        var f = new[] { 0.1, 0.2, 0.3 };
        var e = Assert.Throws<CrystalFormatException>(() =>
            StructureChecks.EnsureNoOverlaps(lattice, new[] { new Site(Element.Parse("Na"), f, lattice.ToCartesian(f), "Na1") }, null, "test"));
        Assert.Contains("from its own periodic image", e.Message);
    }
}
