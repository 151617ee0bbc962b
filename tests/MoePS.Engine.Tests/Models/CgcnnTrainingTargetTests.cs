using MoePS.Engine.Models;
using Xunit;
using static TorchSharp.torch;
using MoePS.Engine.Models.Formats;
using MoePS.Engine.Models.Extractors;

namespace MoePS.Engine.Tests.Models;

public class CgcnnTrainingTargetTests
{
    static (CgcnnTrainingTarget Target, GraphTensorSet Set) Bind()
    {
        var golden = GoldenData.Structures;
        var extractor = ExtractorFiles.Import(TestData.PathOf("extractors", "mp_eform.safetensors"));
        var set = extractor.GraphTensors(golden.Select(g => g.Graph).ToList(), golden.Select(g => g.Crystal.Id).ToList(),
            MoePS.Engine.Runtime.ComputeDevice.Parse("cpu"));
        return (new CgcnnTrainingTarget(extractor.Model, set), set);
    }

    static float[] Values(Tensor t) => t.detach().data<float>().ToArray();

    [Fact]
    public void BatchNormUsesBatchStatisticsOnlyInTraining()
    {
        var (target, set) = Bind();
        using var _ = set;
        using var scope = NewDisposeScope();
        target.SetTraining(false);
        float alone = Values(target.Forward(new[] { 3 }))[0];
        float inBatch = Values(target.Forward(new[] { 3, 0, 9, 14 }))[0];
        Assert.Equal(alone, inBatch, 5);

        target.SetTraining(true);
        float trainA = Values(target.Forward(new[] { 3, 0 }))[0];
        float trainB = Values(target.Forward(new[] { 3, 9, 14 }))[0];
        Assert.NotEqual(trainA, trainB);
    }

    [Fact]
    public void AllParametersLearnAtTheBaseRateAndStateRestores()
    {
        var (target, set) = Bind();
        using var _ = set;
        var groups = target.ParameterGroups(0.01);
        Assert.Single(groups);
        Assert.Equal(0.01, groups[0].LearningRate);
        Assert.Equal(target.Model.parameters().Count(), groups[0].Parameters.Count);

        var rows = Enumerable.Range(0, 15).ToArray();
        target.SetTraining(false);
        float[] before;
        using (var s = NewDisposeScope()) before = Values(target.Forward(rows));
        var saved = target.CaptureState();

        var optimizer = optim.Adam(groups[0].Parameters, 0.01);
        target.SetTraining(true);
        for (int step = 0; step < 3; step++)
        {
            using var s = NewDisposeScope();
            optimizer.zero_grad();
            var loss = (target.Forward(rows) - 1.0f).pow(2).mean();
            loss.backward();
            optimizer.step();
        }
        target.SetTraining(false);
        using (var s = NewDisposeScope()) Assert.NotEqual(before, Values(target.Forward(rows)));

        target.RestoreState(saved);
        using (var s = NewDisposeScope()) Assert.Equal(before, Values(target.Forward(rows)));
    }
}
