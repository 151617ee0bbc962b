using MoePS.Engine.Models;
using MoePS.Engine.Models.GatedMessages;
using MoePS.Engine.Models.Mixture;
using MoePS.Engine.Runtime;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MoePS.Engine.Tests.Models;

/// <summary>A CGCNN convolution in training mode, with the fused message step and without, against the plain layer.</summary>
public class CgcnnConvLayerTrainingTests
{
    const int F = 16, E = 6, N = 23, M = 5;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TwoTrainingStepsMatchThePlainLayer(bool fused)
    {
        TorchRuntime.EnsureLoaded();
        using var path = GatedMessageSum.FuseFrom(fused ? 1 : long.MaxValue);
        var g = new Generator(11);
        var layer = new CgcnnConvLayer(F, E);
        var plain = new PlainConvLayer(ConvLayerWeights.Of(layer));
        layer.train();
        plain.train();
        for (int step = 0; step < 2; step++)
        {
            var atoms = rand(N, F, generator: g);
            var nbrIdx = randint(0, N, new long[] { N, M }, generator: g);
            var edges = rand(N, M, E, generator: g);
            using var batch = new GraphBatch(zeros(N, 1), nbrIdx, edges, zeros(N, ScalarType.Int64), tensor(new[] { (float)N }), arange(N), 1);
            var input = atoms.clone().requires_grad_(true);
            var plainInput = atoms.clone().requires_grad_(true);
            var upstream = randn(N, F, generator: g);
            var output = layer.forward(input, batch);
            var expected = plain.forward(plainInput, nbrIdx, edges.view(N * M, E));
            (output * upstream).sum().backward();
            (expected * upstream).sum().backward();

            Assert.True(allclose(output, expected, rtol: 1e-5, atol: 1e-5), $"step {step}: output");
            Assert.True(allclose(input.grad!, plainInput.grad!, rtol: 1e-4, atol: 1e-5), $"step {step}: input gradient");
        }
        var p = layer.named_parameters().ToDictionary(x => x.name, x => x.parameter.grad!);
        Assert.True(allclose(p["fc_full.weight"], plain.FcWeightGrad, rtol: 1e-4, atol: 1e-4), "fc weight gradient");
        Assert.True(allclose(p["fc_full.bias"], plain.FcBiasGrad, rtol: 1e-4, atol: 1e-4), "fc bias gradient");
        Assert.True(allclose(p["bn1.weight"], plain.Bn1WeightGrad, rtol: 1e-4, atol: 1e-4), "bn1 weight gradient");
        Assert.True(allclose(p["bn1.bias"], plain.Bn1BiasGrad, rtol: 1e-4, atol: 1e-4), "bn1 bias gradient");
        var running = ConvLayerWeights.Of(layer);
        Assert.True(allclose(running.Bn1RunningMean, plain.RunningMean1, rtol: 1e-5, atol: 1e-6), "bn1 running mean");
        Assert.True(allclose(running.Bn1RunningVar, plain.RunningVar1, rtol: 1e-5, atol: 1e-6), "bn1 running variance");
        Assert.Equal(2L, layer.state_dict()["bn1.num_batches_tracked"].item<long>());
    }
}
