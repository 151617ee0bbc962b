using MoePS.Engine.Training;
using Xunit;

namespace MoePS.Engine.Tests.Training;

public class BatchPlanTests
{
    static readonly int[] Rows = Enumerable.Range(100, 23).ToArray();

    [Fact]
    public void EachEpochVisitsEveryTrainingRowOnceInBatches()
    {
        var batches = BatchPlan.ForEpoch(Rows, 10, seed: 1, epoch: 1, sampler: null);
        Assert.Equal(new[] { 10, 10, 3 }, batches.Select(b => b.Length));
        Assert.Equal(Rows, batches.SelectMany(b => b).Order());
        Assert.NotEqual(Rows, batches.SelectMany(b => b));
    }

    [Fact]
    public void OrderDependsOnlyOnSeedAndEpoch()
    {
        var a = BatchPlan.ForEpoch(Rows, 5, 1, 4, null).SelectMany(b => b).ToArray();
        Assert.Equal(a, BatchPlan.ForEpoch(Rows, 5, 1, 4, null).SelectMany(b => b));
        Assert.NotEqual(a, BatchPlan.ForEpoch(Rows, 5, 1, 5, null).SelectMany(b => b));
        Assert.NotEqual(a, BatchPlan.ForEpoch(Rows, 5, 2, 4, null).SelectMany(b => b));
    }

    [Fact]
    public void WeightedEpochsDrawTrainingRowsWithReplacement()
    {
        var labels = Rows.Select(r => r < 120 ? 0.0 : 10.0).ToArray(); // 20 common, 3 rare
        var sampler = new WeightedSampler(labels, bins: 2);
        var drawn = BatchPlan.ForEpoch(Rows, 8, 1, 1, sampler).SelectMany(b => b).ToArray();
        Assert.Equal(Rows.Length, drawn.Length);
        Assert.All(drawn, r => Assert.Contains(r, Rows));
        var manyEpochs = Enumerable.Range(1, 200).SelectMany(e => BatchPlan.ForEpoch(Rows, 8, 1, e, sampler).SelectMany(b => b)).ToArray();
        double rareShare = manyEpochs.Count(r => r >= 120) / (double)manyEpochs.Length;
        Assert.InRange(rareShare, 0.45, 0.55);
    }
}
