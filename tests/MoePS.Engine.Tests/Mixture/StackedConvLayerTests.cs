using MoePS.Engine.Models.GatedMessages;
using MoePS.Engine.Models.Mixture;
using MoePS.Engine.Runtime;
using MoePS.Engine.Tests.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MoePS.Engine.Tests.Mixture;

public class StackedConvLayerTests
{
    const int F = 8, E = 5, N = 7, M = 4;

    static ConvLayerWeights RandomLayer(Generator g) => new(
        randn(2 * F, 2 * F + E, generator: g) * 0.3, randn(2 * F, generator: g) * 0.1,
        rand(2 * F, generator: g) + 0.5, randn(2 * F, generator: g) * 0.1, randn(2 * F, generator: g) * 0.2, rand(2 * F, generator: g) + 0.5,
        rand(F, generator: g) + 0.5, randn(F, generator: g) * 0.1, randn(F, generator: g) * 0.2, rand(F, generator: g) + 0.5);

    [Theory]
    [InlineData(true, false)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public void MatchesThePlainConvolutionPerExtractor(bool training, bool fused)
    {
        TorchRuntime.EnsureLoaded();
        using var path = GatedMessageSum.FuseFrom(fused ? 1 : long.MaxValue);
        var g = new Generator(7);
        var layers = Enumerable.Range(0, 4).Select(_ => RandomLayer(g)).ToArray();
        var stacked = new StackedConvLayer(layers);
        stacked.train(training);
        int[] active = { 3, 1 };
        var atoms = rand(N, active.Length, F, generator: g).requires_grad_(true);
        var nbrIdx = randint(0, N, new long[] { N, M }, generator: g);
        var edges = rand(N * M, E, generator: g);

        var outStacked = stacked.Forward(active, atoms, nbrIdx, edges);
        outStacked.sum().backward();
        var grads = stacked.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!);

        for (int a = 0; a < active.Length; a++)
        {
            var reference = new PlainConvLayer(layers[active[a]]);
            reference.train(training);
            var input = atoms.detach()[.., a].clone().requires_grad_(true);
            var expected = reference.forward(input, nbrIdx, edges);
            expected.sum().backward();

            Assert.True(allclose(outStacked[.., a], expected, rtol: 1e-5, atol: 1e-5), $"output of extractor {active[a]}");
            Assert.True(allclose(atoms.grad![.., a], input.grad!, rtol: 1e-4, atol: 1e-5), $"input gradient of extractor {active[a]}");
            // The weight gradients are what fine-tuning follows: the stacked blocks W_self | W_nbr | W_edge make up Linear's weight.
            int i = active[a];
            var fcGrad = cat(new[] { grads["w_self"][i], grads["w_nbr"][i], grads["w_edge"][i] }, 1);
            Assert.True(allclose(fcGrad, reference.FcWeightGrad, rtol: 1e-4, atol: 1e-5), $"fc weight gradient of extractor {i}");
            Assert.True(allclose(grads["bias"][i], reference.FcBiasGrad, rtol: 1e-4, atol: 1e-5), $"fc bias gradient of extractor {i}");
            Assert.True(allclose(grads["bn1_weight"][i], reference.Bn1WeightGrad, rtol: 1e-4, atol: 1e-5), $"bn1 weight gradient of extractor {i}");
            Assert.True(allclose(grads["bn2_bias"][i], reference.Bn2BiasGrad, rtol: 1e-4, atol: 1e-5), $"bn2 bias gradient of extractor {i}");
            var back = stacked.Layer(active[a]);
            Assert.True(allclose(back.Bn1RunningMean, reference.RunningMean1, rtol: 1e-5, atol: 1e-6), "bn1 running mean");
            Assert.True(allclose(back.Bn2RunningVar, reference.RunningVar2, rtol: 1e-5, atol: 1e-6), "bn2 running var");
        }
        Assert.Equal(new[] { 0, 1, 0, 1 }, stacked.Passes);
        // Inactive extractors are untouched and get no gradient.
        Assert.True((stacked.Layer(0).Bn1RunningMean == layers[0].Bn1RunningMean).all().item<bool>());
        foreach (int inactive in new[] { 0, 2 })
            Assert.All(grads.Values, g => Assert.Equal(0f, g[inactive].abs().sum().item<float>()));
    }

    [Fact]
    public void LayerRoundTripsThePyTorchLayout()
    {
        TorchRuntime.EnsureLoaded();
        var g = new Generator(3);
        var layers = Enumerable.Range(0, 2).Select(_ => RandomLayer(g)).ToArray();
        var stacked = new StackedConvLayer(layers);
        var back = stacked.Layer(1);
        Assert.True((back.FcWeight == layers[1].FcWeight).all().item<bool>());
        Assert.True((back.Bn2RunningVar == layers[1].Bn2RunningVar).all().item<bool>());
    }
}
