using MoePS.Engine.Models;
using Xunit;

namespace MoePS.Engine.Tests.Models;

public class NormaliserTests
{
    [Fact]
    public void FitsMeanAndUnbiasedStdLikeTorch()
    {
        var n = Normaliser.FromTargets(new[] { 1.0, 2.0, 3.0, 4.0 });
        Assert.Equal(2.5, n.Mean, 12);
        Assert.Equal(Math.Sqrt(5.0 / 3.0), n.Std, 12);
        Assert.Equal(3.7, n.Denormalise(n.Normalise(3.7)), 12);
        Assert.Equal(n.Mean + n.Std, n.Denormalise(1.0), 12);
    }

    [Fact]
    public void ConstantTargetsKeepAUsableScale()
    {
        var n = Normaliser.FromTargets(new[] { 5.0, 5.0 });
        Assert.Equal(1.0, n.Std);
        Assert.Throws<ArgumentException>(() => Normaliser.FromTargets(Array.Empty<double>()));
    }
}
