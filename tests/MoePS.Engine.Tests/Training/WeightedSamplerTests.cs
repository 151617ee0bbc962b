using MoePS.Engine.Training;
using Xunit;
using MoePS.Engine.Runtime;

namespace MoePS.Engine.Tests.Training;

public class WeightedSamplerTests
{
    /// <summary>A skewed label set: exponential, most mass near zero, plus one far outlier, so the tail has empty bins.</summary>
    static double[] SkewedLabels(int n)
    {
        var rng = new SplitMix64(11);
        return Enumerable.Range(0, n - 1).Select(_ => -Math.Log(1 - rng.NextDouble())).Append(30.0).ToArray();
    }

    [Fact]
    public void WeightsAreOneOverBinCountAndEveryBinWeighsTheSame()
    {
        var labels = SkewedLabels(3000);
        var s = new WeightedSampler(labels, bins: 30);
        Assert.Equal(labels.Length, s.BinCounts.Sum());
        for (int i = 0; i < labels.Length; i++)
            Assert.Equal(1.0 / s.BinCounts[s.BinOf[i]], s.Weights[i], 15);
        for (int b = 0; b < 30; b++)
        {
            double binWeight = Enumerable.Range(0, labels.Length).Where(i => s.BinOf[i] == b).Sum(i => s.Weights[i]);
            Assert.Equal(s.BinCounts[b] > 0 ? 1.0 : 0.0, binWeight, 9);
        }
    }

    [Fact]
    public void SampledBinFrequenciesAreUniformOverNonEmptyBins()
    {
        var labels = SkewedLabels(3000);
        var s = new WeightedSampler(labels, bins: 30);
        int nonEmpty = s.BinCounts.Count(c => c > 0);
        Assert.True(nonEmpty < 30, "the test wants some empty bins in the tail");
        Assert.True(s.BinCounts[0] > 100 * s.BinCounts[29], "the labels should be skewed");

        const int draws = 200_000;
        var picks = s.Sample(new SplitMix64(3), draws);
        var frequency = new double[30];
        foreach (int p in picks) frequency[s.BinOf[p]] += 1.0 / draws;

        double expected = 1.0 / nonEmpty;
        for (int b = 0; b < 30; b++)
        {
            if (s.BinCounts[b] == 0)
                Assert.Equal(0, frequency[b]);
            else
                Assert.InRange(frequency[b], expected * 0.9, expected * 1.1); // ~±5 standard deviations
        }
    }

    [Fact]
    public void DrawsWithReplacementAndIsDeterministicGivenTheSeed()
    {
        var labels = SkewedLabels(500);
        var s = new WeightedSampler(labels, bins: 30);
        var a = s.Sample(new SplitMix64(42), labels.Length);
        var b = s.Sample(new SplitMix64(42), labels.Length);
        var c = s.Sample(new SplitMix64(43), labels.Length);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.True(a.Distinct().Count() < a.Length, "rare labels must be drawn repeatedly");
        Assert.All(a, p => Assert.InRange(p, 0, labels.Length - 1));
    }

    [Fact]
    public void BinsAreEqualWidthWithTheMaximumInTheLastBin()
    {
        var s = new WeightedSampler(new[] { 0.0, 0.5, 0.99, 1.0, 3.0, 10.0 }, bins: 10);
        Assert.Equal(new[] { 0, 0, 0, 1, 3, 9 }, s.BinOf);
        var single = new WeightedSampler(new[] { 2.0, 2.0 }, bins: 30);
        Assert.Equal(new[] { 0, 0 }, single.BinOf);
        Assert.Throws<ArgumentException>(() => new WeightedSampler(new[] { 1.0, double.NaN }, 30));
    }
}
