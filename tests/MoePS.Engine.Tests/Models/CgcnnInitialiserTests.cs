using MoePS.Engine.Models;
using MoePS.Engine.Tests.Training;
using Xunit;
using static TorchSharp.torch;
using MoePS.Engine.Models.Extractors;

namespace MoePS.Engine.Tests.Models;

public class CgcnnInitialiserTests
{
    [Fact]
    public void InitialWeightsDependOnlyOnTheSeedAndFollowPyTorchsLinearBounds()
    {
        using var a = CgcnnInitialiser.Create(CgcnnArchitecture.Default, 7);
        using var b = CgcnnInitialiser.Create(CgcnnArchitecture.Default, 7);
        using var c = CgcnnInitialiser.Create(CgcnnArchitecture.Default, 8);
        var sa = a.state_dict();
        var sb = b.state_dict();
        foreach (var (key, t) in sa) Assert.True(t.allclose(sb[key], rtol: 0, atol: 0), key);
        Assert.NotEqual(sa["convs.0.fc_full.weight"].data<float>().ToArray(), c.state_dict()["convs.0.fc_full.weight"].data<float>().ToArray());

        var fc = sa["convs.0.fc_full.weight"].data<float>().ToArray(); // fan_in 169
        double bound = 1 / Math.Sqrt(169);
        Assert.All(fc, v => Assert.InRange(v, -bound, bound));
        Assert.InRange(fc.Average(), -0.01 * bound, 0.01 * bound);
        Assert.InRange(fc.Max(), 0.99 * bound, bound);
        Assert.Equal(new float[128], sa["convs.0.bn1.bias"].data<float>().ToArray());
        Assert.All(sa["convs.0.bn1.weight"].data<float>().ToArray(), v => Assert.Equal(1f, v));
    }
}

/// <summary>BatchNorm in a freshly built CGCNN bound to a real task: training mode learns running statistics, eval mode uses them.</summary>
public sealed class FreshCgcnnBatchNormTests : IClassFixture<PretrainingTask>
{
    readonly PretrainingTask task;

    public FreshCgcnnBatchNormTests(PretrainingTask task) => this.task = task;

    [Fact]
    public void TrainModeUpdatesRunningStatisticsEvalModeLeavesThemAndIgnoresTheBatch()
    {
        var crystals = task.Dataset.Entries.Take(20).Select(e => e.Crystal).ToList();
        var graphs = crystals.Select(c => task.Cache.GetOrBuild(c, MoePS.Engine.Graphs.GraphSettings.Default)).ToList();
        using var set = GraphTensorSet.FromGraphs(graphs, crystals.Select(c => c.Id).ToList(), MoePS.Engine.Graphs.GraphSettings.Default,
            task.Elements, CPU);
        using var model = CgcnnInitialiser.Create(CgcnnArchitecture.Default, 0);
        var target = new CgcnnTrainingTarget(model, set);
        float[] RunningMean() => model.state_dict()["convs.2.bn2.running_mean"].data<float>().ToArray();
        float[] Outputs(int[] rows)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            return target.Forward(rows).data<float>().ToArray();
        }

        var initial = RunningMean();
        target.SetTraining(false);
        float alone = Outputs(new[] { 5 })[0];
        float inBatch = Outputs(new[] { 1, 5, 12, 19 })[1];
        Assert.Equal(alone, inBatch, 5);
        Assert.Equal(initial, RunningMean());

        target.SetTraining(true);
        float trainA = Outputs(new[] { 5, 1 })[0];
        Assert.NotEqual(initial, RunningMean());
        float trainB = Outputs(new[] { 5, 12, 19 })[0];
        Assert.NotEqual(trainA, trainB);
        Assert.Equal(2L, model.state_dict()["convs.2.bn2.num_batches_tracked"].item<long>());
    }
}
