using MoePS.Engine.Benchmarks;
using Xunit;

namespace MoePS.Engine.Tests.Benchmarks;

public class CentralMomentDiscrepancyTests
{
    static double[,] Column(params double[] v)
    {
        var m = new double[v.Length, 1];
        for (int i = 0; i < v.Length; i++) m[i, 0] = v[i];
        return m;
    }

    [Fact]
    public void EqualMeansDifferOnlyInEvenCentralMoments()
    {
        // X = {0, 1}: mean 0.5, c_k = 0.5^k for even k, 0 for odd k. Y = {0.5, 0.5}: every c_k = 0.
        // K = 4: 0 + 0.25 + 0 + 0.0625.
        Assert.Equal(0.3125, CentralMomentDiscrepancy.Compute(Column(0, 1), Column(0.5, 0.5), maxOrder: 4), 12);
        // K = 50: Σ_{j=1..25} 0.25^j = (1 − 0.25^25) / 3.
        Assert.Equal((1 - Math.Pow(0.25, 25)) / 3, CentralMomentDiscrepancy.Compute(Column(0, 1), Column(0.5, 0.5)), 12);
    }

    [Fact]
    public void TwoDimensionalSamplesUseTheEuclideanNormPerOrder()
    {
        var x = new double[,] { { 0, 0 }, { 1, 0 } };
        var y = new double[,] { { 0, 0 }, { 0, 1 } };
        // Means (0.5, 0) and (0, 0.5): ‖·‖ = √0.5. c₂ = (0.25, 0) and (0, 0.25): ‖·‖ = √0.125. c₃ = 0 for both.
        Assert.Equal(Math.Sqrt(0.5) + Math.Sqrt(0.125), CentralMomentDiscrepancy.Compute(x, y, maxOrder: 3), 12);
    }

    [Fact]
    public void TheIntervalWidthScalesEachOrder()
    {
        // On [0, 2]: X = {0, 2}, Y = {1, 1}: c₂(X) = 1, divided by 2² ; the means agree.
        Assert.Equal(0.25, CentralMomentDiscrepancy.Compute(Column(0, 2), Column(1, 1), maxOrder: 2, lower: 0, upper: 2), 12);
        // Mean term alone: |0.2 − 0.6| / 2.
        Assert.Equal(0.2, CentralMomentDiscrepancy.Compute(Column(0.2), Column(0.6), maxOrder: 1, lower: 0, upper: 2), 12);
    }

    [Fact]
    public void IdenticalSamplesHaveZeroDiscrepancyAndOrderDoesNotMatter()
    {
        var x = new double[,] { { 0.1, 0.9 }, { 0.3, 0.2 }, { 0.5, 0.5 } };
        Assert.Equal(0, CentralMomentDiscrepancy.Compute(x, x), 15);
        var shuffled = new double[,] { { 0.5, 0.5 }, { 0.1, 0.9 }, { 0.3, 0.2 } };
        Assert.Equal(0, CentralMomentDiscrepancy.Compute(x, shuffled), 15);
    }

    [Fact]
    public void LabelSpaceStandardisesEachTaskThenSquashes()
    {
        // Scaled and shifted labels standardise to the same z-scores.
        Assert.Equal(0, CentralMomentDiscrepancy.LabelSpace(new double[] { 1, 2, 3 }, new double[] { 10, 20, 30 }), 12);
        // {0, 2} → z = {−1, 1} → σ = 0.5 ∓ d with d = σ(1) − 0.5; constant labels → z = 0 → σ = 0.5.
        double d = 1 / (1 + Math.Exp(-1)) - 0.5;
        double expected = Enumerable.Range(1, 25).Sum(j => Math.Pow(d, 2 * j));
        Assert.Equal(expected, CentralMomentDiscrepancy.LabelSpace(new double[] { 0, 2 }, new double[] { 5, 5, 5 }), 12);
    }

    [Fact]
    public void FeatureSpaceSquashesWithASigmoid()
    {
        // σ(0) = 0.5 for Y; X = {−∞-ish, +∞-ish} squashes to {0, 1}: the first test's value.
        var x = Column(-800, 800);
        var y = Column(0, 0);
        Assert.Equal((1 - Math.Pow(0.25, 25)) / 3, CentralMomentDiscrepancy.FeatureSpace(x, y), 12);
        var shift = TaskShift.Measure("a", x, new double[] { 0, 2 }, "b", y, new double[] { 5, 5, 5 }, "mp_eform");
        Assert.Equal((1 - Math.Pow(0.25, 25)) / 3, shift.FeatureCMD, 12);
        Assert.Equal(50, shift.Order);
    }

    [Fact]
    public void BadInputsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CentralMomentDiscrepancy.Compute(Column(1.5), Column(0.5)));
        Assert.Throws<ArgumentException>(() => CentralMomentDiscrepancy.Compute(new double[1, 2], new double[1, 3]));
        Assert.Throws<ArgumentException>(() => CentralMomentDiscrepancy.Compute(new double[0, 2], new double[1, 2]));
    }
}
