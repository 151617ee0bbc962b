using MoePS.Engine.Crystals;
using MoePS.Engine.Models.TensorNet;
using Xunit;

namespace MoePS.Engine.Tests.Models.TensorNet;

/// <summary>
/// The float64 crystal feature does not change when the crystal is rotated (or reflected), translated, its atoms are
/// reordered, or it is replaced by a 2×2×2 supercell. The tolerance of those that move coordinates is 1e-6 relative,
/// not 1e-9: like MatGL, the port rounds lattices and fractional coordinates to float32 before computing.
/// </summary>
public class TensorNetInvarianceTests : IClassFixture<TensorNetPotentials>
{
    const double MovedTolerance = 1e-6;
    const double ReorderedTolerance = 1e-9;
    readonly TensorNetPotential potential;

    public TensorNetInvarianceTests(TensorNetPotentials potentials) => potential = potentials.DoublePrecision;

    public static TheoryData<string> Labels() => new() { "NaCl primitive (2 atoms)", "jarvis_2d_exfoliation row 0", "expt_eform row 426" };

    static Crystal Golden(string label) => TensorNetGolden.Structures.Single(s => s.Label == label).Crystal;

    double[] Feature(Crystal crystal)
    {
        using var features = potential.CrystalFeatures(new[] { crystal });
        return TensorNetOutputs.Numbers(features[0]);
    }

    void AssertSameFeature(Crystal expected, Crystal actual, double tolerance)
    {
        double deviation = TensorNetOutputs.RelativeDeviation(Feature(expected), Feature(actual));
        Assert.True(deviation <= tolerance, $"{actual.Id}: feature moved by {deviation:G3} relative");
    }

    [Theory]
    [MemberData(nameof(Labels))]
    public void RotationAndReflectionLeaveTheFeature(string label)
    {
        var crystal = Golden(label);
        var rotation = Rotation(0.7, -1.3, 2.1);
        AssertSameFeature(crystal, Transformed(crystal, "rotated", rotation), MovedTolerance);
        var reflection = (double[,])rotation.Clone();
        for (int c = 0; c < 3; c++) reflection[2, c] = -reflection[2, c];
        AssertSameFeature(crystal, Transformed(crystal, "reflected", reflection), MovedTolerance);
    }

    [Theory]
    [MemberData(nameof(Labels))]
    public void TranslationLeavesTheFeature(string label)
    {
        var crystal = Golden(label);
        double[] shift = { 0.137, -0.291, 0.773 };
        var moved = new Crystal("translated", crystal.Lattice, crystal.Sites.Select(s => Site(s.Element, crystal.Lattice, s.Fractional.Select((f, k) => f + shift[k]).ToArray())).ToList());
        AssertSameFeature(crystal, moved, MovedTolerance);
    }

    [Theory]
    [MemberData(nameof(Labels))]
    public void ReorderingTheAtomsLeavesTheFeature(string label)
    {
        var crystal = Golden(label);
        var order = Enumerable.Range(0, crystal.AtomCount).Select(i => (i * 7 + 3) % crystal.AtomCount).Distinct().ToList();
        Assert.Equal(crystal.AtomCount, order.Count);
        AssertSameFeature(crystal, new Crystal("reordered", crystal.Lattice, order.Select(i => crystal.Sites[i]).ToList()), ReorderedTolerance);
    }

    [Theory]
    [MemberData(nameof(Labels))]
    public void SupercellHasTheCellsFeatureAndEightTimesItsEnergy(string label)
    {
        var crystal = Golden(label);
        var matrix = crystal.Lattice.Matrix;
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 3; c++) matrix[r, c] *= 2;
        var lattice = new Lattice(matrix);
        var sites = new List<Site>();
        for (int a = 0; a < 2; a++)
            for (int b = 0; b < 2; b++)
                for (int c = 0; c < 2; c++)
                    sites.AddRange(crystal.Sites.Select(s => Site(s.Element, lattice, new[] { (s.Fractional[0] + a) / 2, (s.Fractional[1] + b) / 2, (s.Fractional[2] + c) / 2 })));
        var supercell = new Crystal("supercell", lattice, sites);
        AssertSameFeature(crystal, supercell, MovedTolerance);
        using var cellBatch = potential.Batch(new[] { crystal });
        using var superBatch = potential.Batch(new[] { supercell });
        Assert.Equal(8 * cellBatch.PairCount, superBatch.PairCount);
        double cell = potential.Energies(cellBatch)[0], super = potential.Energies(superBatch)[0];
        Assert.True(Math.Abs(super - 8 * cell) <= 1e-6 * Math.Abs(super), $"supercell {super} eV, 8 × cell {8 * cell} eV");
    }

    [Fact]
    public void OneBatchGivesEachCrystalItsOwnFeature()
    {
        var crystals = TensorNetGolden.Structures.Select(s => s.Crystal).ToList();
        using var together = potential.CrystalFeatures(crystals);
        using var inSmallBatches = potential.CrystalFeatures(crystals, pairBudget: 300);
        Assert.Equal(new long[] { crystals.Count, potential.FeatureLength }, together.shape);
        for (int i = 0; i < crystals.Count; i++)
        {
            var alone = Feature(crystals[i]);
            Assert.True(TensorNetOutputs.RelativeDeviation(alone, TensorNetOutputs.Numbers(together[i])) <= 1e-12, $"{crystals[i].Id} in one batch");
            Assert.True(TensorNetOutputs.RelativeDeviation(alone, TensorNetOutputs.Numbers(inSmallBatches[i])) <= 1e-12, $"{crystals[i].Id} in small batches");
        }
    }

    /// <summary>The crystal with its lattice vectors (and so every atom) mapped by the orthogonal matrix <paramref name="q"/>.</summary>
    static Crystal Transformed(Crystal crystal, string id, double[,] q)
    {
        var matrix = new double[3, 3];
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 3; c++)
                for (int k = 0; k < 3; k++) matrix[r, c] += crystal.Lattice[r, k] * q[c, k];
        var lattice = new Lattice(matrix);
        return new Crystal(id, lattice, crystal.Sites.Select(s => Site(s.Element, lattice, s.Fractional)).ToList());
    }

    static Site Site(Element element, Lattice lattice, double[] fractional) => new(element, fractional, lattice.ToCartesian(fractional));

    /// <summary>Rotation about z by a, then y by b, then z by c.</summary>
    static double[,] Rotation(double a, double b, double c)
    {
        static double[,] Z(double t) => new[,] { { Math.Cos(t), -Math.Sin(t), 0 }, { Math.Sin(t), Math.Cos(t), 0 }, { 0, 0, 1 } };
        static double[,] Y(double t) => new[,] { { Math.Cos(t), 0, Math.Sin(t) }, { 0, 1, 0 }, { -Math.Sin(t), 0, Math.Cos(t) } };
        return Multiply(Z(c), Multiply(Y(b), Z(a)));
    }

    static double[,] Multiply(double[,] x, double[,] y)
    {
        var r = new double[3, 3];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 3; k++) r[i, j] += x[i, k] * y[k, j];
        return r;
    }
}
