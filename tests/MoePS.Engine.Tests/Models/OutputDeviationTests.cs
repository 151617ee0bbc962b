using MoePS.Engine.Models.Extractors;
using MoePS.Engine.Models.Golden;
using Xunit;

namespace MoePS.Engine.Tests.Models;

public class OutputDeviationTests
{
    static readonly string[] Ids = { "a", "b" };

    static ExtractorOutput Output(double raw0, double prediction1, float feature1) =>
        new(new[] { raw0, 0.5 }, new[] { 1.0, prediction1 }, new[] { new float[] { 0, 0 }, new float[] { 0, feature1 } });

    [Fact]
    public void ReportsTheLargestDifferenceOfEachKindAndWhereTheWorstLies()
    {
        var d = OutputDeviation.Between(Output(0.25, 2, 1), Output(0.2501, 2.003, 1.00002f), Ids);
        Assert.Equal(1e-4, d.MaxRaw, 9);
        Assert.Equal(3e-3, d.MaxPrediction, 9);
        Assert.Equal(2e-5, d.MaxFeature, 6);
        Assert.Equal(d.MaxPrediction, d.Max);
        Assert.StartsWith("b prediction", d.Worst, StringComparison.Ordinal);
        Assert.False(d.Within(1e-3));
        Assert.True(d.Within(4e-3));
    }

    [Fact]
    public void ANaNOutputIsNeverWithinTolerance()
    {
        var d = OutputDeviation.Between(Output(0.25, 2, 1), Output(double.NaN, 2, 1), Ids);
        Assert.True(double.IsPositiveInfinity(d.MaxRaw));
        Assert.False(d.Within(1));
        Assert.StartsWith("a raw output", d.Worst, StringComparison.Ordinal);
    }
}
