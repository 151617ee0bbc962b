using MoePS.Engine.Models.TensorNet;
using MoePS.Engine.Runtime;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MoePS.Engine.Tests.Models.TensorNet;

/// <summary>A fine-tuned block's way through an interaction layer (its input prepared once, I, A and S as components) against the potential's.</summary>
public class TensorNetInteractionTests
{
    /// <summary>A layer of 16 channels with random weights, 9 atoms with random node tensors and 40 pairs sharing 11 radial rows.</summary>
    static (TensorNetInteraction Layer, Tensor X, RadialPairs Pairs) Operands(ScalarType dtype)
    {
        var g = new Generator(11);
        var layer = new TensorNetInteraction(16, 3) { FusesMessages = true };
        using (no_grad())
            foreach (var (_, parameter) in layer.named_parameters())
                parameter.copy_(randn(parameter.shape, generator: g) * 0.3);
        layer.to(dtype);
        var x = randn(new long[] { 9, 16, 3, 3 }, generator: g).to(dtype);
        var pairs = new RadialPairs(randint(0, 9, new long[] { 40 }, generator: g), randint(0, 9, new long[] { 40 }, generator: g),
            rand(11, 3, generator: g).to(dtype), rand(11, generator: g).to(dtype), randint(0, 11, new long[] { 40 }, generator: g));
        return (layer, x, pairs);
    }

    /// <summary>The part norms and the gradients of a random projection of them with respect to every weight of the layer.</summary>
    static (Tensor Norms, Tensor[] Gradients) Run(TensorNetInteraction layer, Func<Tensor> norms)
    {
        layer.zero_grad();
        var result = norms();
        using var upstream = randn(result.shape, generator: new Generator(12)).to(result.dtype);
        (result * upstream).sum().backward();
        // Copies: the layer's gradients are zeroed and refilled by the next run.
        return (result.detach().to(ScalarType.Float64, copy: true), layer.parameters().Select(p => p.grad!.to(ScalarType.Float64, copy: true)).ToArray());
    }

    [Theory]
    [InlineData(ScalarType.Float64, 1e-12)]   // libtorch's operations for both: the same algebra
    [InlineData(ScalarType.Float32, 1e-5)]    // the fused message step on the prepared way
    public void PreparedComponentsGiveThePartNormsAndGradientsOfThePotentialsWay(ScalarType dtype, double tolerance)
    {
        TorchRuntime.EnsureLoaded();
        var (layer, x, pairs) = Operands(dtype);
        var potential = Run(layer, () => CartesianTensors.PartSquaredNorms(layer.Interact(x, pairs)));
        var (normalised, components) = TensorNetInteraction.Prepare(x);
        var prepared = Run(layer, () => layer.PartSquaredNormsAfter(normalised, components, pairs));

        void AssertClose(Tensor expected, Tensor actual, string what)
        {
            double scale = expected.abs().max().item<double>();
            double error = (expected - actual).abs().max().item<double>();
            Assert.True(error <= tolerance * scale, $"{what}: largest difference {error:G3} at scale {scale:G3}");
        }
        AssertClose(potential.Norms, prepared.Norms, "part norms");
        for (int i = 0; i < potential.Gradients.Length; i++) AssertClose(potential.Gradients[i], prepared.Gradients[i], $"gradient {i}");
    }
}
