using MoePS.Engine.Models.Mixture;
using MoePS.Engine.Runtime;
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

    /// <summary>CGCNN's ConvLayer written the plain way, with torch's own Linear and BatchNorm1d.</summary>
    sealed class ReferenceConv : nn.Module<Tensor, Tensor, Tensor, Tensor>
    {
        readonly TorchSharp.Modules.Linear fc;
        readonly TorchSharp.Modules.BatchNorm1d bn1, bn2;

        public ReferenceConv(ConvLayerWeights w) : base("ref")
        {
            fc = nn.Linear(2 * F + E, 2 * F);
            bn1 = nn.BatchNorm1d(2 * F);
            bn2 = nn.BatchNorm1d(F);
            using (no_grad())
            {
                fc.weight!.copy_(w.FcWeight); fc.bias!.copy_(w.FcBias);
                bn1.weight!.copy_(w.Bn1Weight); bn1.bias!.copy_(w.Bn1Bias); bn1.running_mean!.copy_(w.Bn1RunningMean); bn1.running_var!.copy_(w.Bn1RunningVar);
                bn2.weight!.copy_(w.Bn2Weight); bn2.bias!.copy_(w.Bn2Bias); bn2.running_mean!.copy_(w.Bn2RunningMean); bn2.running_var!.copy_(w.Bn2RunningVar);
            }
            RegisterComponents();
        }

        public override Tensor forward(Tensor atoms, Tensor nbrIdx, Tensor edges)
        {
            var nbr = atoms.index_select(0, nbrIdx.reshape(-1)).view(N, M, F);
            var z = cat(new[] { atoms.unsqueeze(1).expand(N, M, F), nbr, edges.view(N, M, E) }, 2);
            var g = bn1.forward(fc.forward(z).view(N * M, 2 * F)).view(N, M, 2 * F);
            var s = (sigmoid(g[.., .., ..F]) * nn.functional.softplus(g[.., .., F..])).sum(1);
            return nn.functional.softplus(atoms + bn2.forward(s));
        }

        public Tensor RunningMean1 => bn1.running_mean!;
        public Tensor RunningVar2 => bn2.running_var!;
        public Tensor FcWeightGrad => fc.weight!.grad!;
        public Tensor FcBiasGrad => fc.bias!.grad!;
        public Tensor Bn1WeightGrad => bn1.weight!.grad!;
        public Tensor Bn2BiasGrad => bn2.bias!.grad!;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void MatchesThePlainConvolutionPerExtractor(bool training)
    {
        TorchRuntime.EnsureLoaded();
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
            var reference = new ReferenceConv(layers[active[a]]);
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
