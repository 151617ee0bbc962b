using MoePS.Engine.Training;
using Xunit;

namespace MoePS.Engine.Tests.Training;

public class MetricsTests
{
    static readonly double[] Actual = { 1, 2, 3, 4 };
    static readonly double[] Predicted = { 1.5, 2, 2, 5 };

    [Fact]
    public void ComputesMaeRmseAndRSquaredByHand()
    {
        Assert.Equal((0.5 + 0 + 1 + 1) / 4, Metrics.MeanAbsoluteError(Predicted, Actual), 12);
        Assert.Equal(Math.Sqrt((0.25 + 0 + 1 + 1) / 4), Metrics.RootMeanSquaredError(Predicted, Actual), 12);
        Assert.Equal(1 - 2.25 / 5, Metrics.RSquared(Predicted, Actual), 12); // SS_tot = 5
        Assert.Equal(1, Metrics.RSquared(Actual, Actual), 12);
    }

    [Fact]
    public void EmptyIsNaNAndMismatchedLengthsThrow()
    {
        Assert.True(double.IsNaN(Metrics.MeanAbsoluteError(Array.Empty<double>(), Array.Empty<double>())));
        Assert.Throws<ArgumentException>(() => Metrics.MeanAbsoluteError(new[] { 1.0 }, Actual));
    }
}
