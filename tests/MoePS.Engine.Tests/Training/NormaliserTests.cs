using MoePS.Engine.Training;
using Xunit;

namespace MoePS.Engine.Tests.Training;

public class NormaliserTests
{
    [Fact]
    public void UsesMeanAndUnbiasedSampleStdLikeTorchStd()
    {
        var n = Normaliser.Fit(new[] { 1.0, 2, 3, 4 });
        Assert.Equal(2.5, n.Mean, 12);
        Assert.Equal(Math.Sqrt(5.0 / 3.0), n.Std, 12); // Σ(x−2.5)² = 5, over n − 1 = 3
    }

    [Fact]
    public void NormaliseAndDenormaliseAreInverse()
    {
        var n = Normaliser.Fit(new[] { -3.0, 0.5, 7, 11.25 });
        foreach (double y in new[] { -10.0, 0, 3.3, 1e4 })
            Assert.Equal(y, n.Denormalise(n.Normalise(y)), 9);
        Assert.Equal(0, n.Normalise(n.Mean), 12);
        Assert.Equal(1, n.Normalise(n.Mean + n.Std), 12);
    }

    [Fact]
    public void IgnoresUnknownValuesAndGuardsAgainstZeroStd()
    {
        var n = Normaliser.Fit(new[] { 2.0, double.NaN, 4 });
        Assert.Equal(3, n.Mean, 12);
        Assert.Equal(Math.Sqrt(2), n.Std, 12);

        var constant = Normaliser.Fit(new[] { 5.0, 5, 5 });
        Assert.Equal(5, constant.Mean);
        Assert.Equal(1, constant.Std);

        Assert.Throws<ArgumentException>(() => Normaliser.Fit(new[] { double.NaN }));
    }
}
