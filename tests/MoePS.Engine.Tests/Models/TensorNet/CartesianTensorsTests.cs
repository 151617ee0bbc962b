using MoePS.Engine.Models.TensorNet;
using MoePS.Engine.Runtime;
using Xunit;
using static TorchSharp.torch;

namespace MoePS.Engine.Tests.Models.TensorNet;

/// <summary>The component form of I, A and S by matrix products against the split into parts it replaces in a fine-tuned block.</summary>
public class CartesianTensorsTests
{
    static Tensor RandomTensors(int seed) => randn(new long[] { 7, 5, 3, 3 }, ScalarType.Float64, generator: new Generator((ulong)seed));

    static void AssertEqual(Tensor expected, Tensor actual, double tolerance = 1e-12)
    {
        Assert.Equal(expected.shape, actual.shape);
        Assert.True((expected - actual).abs().max().item<double>() <= tolerance, $"largest difference {(expected - actual).abs().max().item<double>():G3}");
    }

    [Fact]
    public void ComponentsOfAGeneralTensorAreThoseOfItsParts()
    {
        TorchRuntime.EnsureLoaded();
        var x = RandomTensors(1);
        var (scalar, skew, traceless) = CartesianTensors.Decompose(x);
        AssertEqual(CartesianTensors.Components(scalar, skew, traceless), CartesianTensors.ComponentsOf(x));
    }

    [Fact]
    public void AssemblingComponentsGivesTheSumOfTheirParts()
    {
        TorchRuntime.EnsureLoaded();
        var components = randn(new long[] { 7, 5, CartesianTensors.ComponentCount }, ScalarType.Float64, generator: new Generator(2));
        var (scalar, skew, traceless) = CartesianTensors.FromComponents(components);
        AssertEqual(CartesianTensors.Compose(scalar, skew, traceless), CartesianTensors.Assemble(components), 0);
        // A general tensor goes through its components and back unchanged.
        var x = RandomTensors(3);
        AssertEqual(x, CartesianTensors.Assemble(CartesianTensors.ComponentsOf(x)));
    }

    [Fact]
    public void PartNormsFromComponentsAreThePartsSquaredNorms()
    {
        TorchRuntime.EnsureLoaded();
        var x = RandomTensors(4);
        AssertEqual(CartesianTensors.PartSquaredNorms(x), CartesianTensors.PartSquaredNormsOfComponents(CartesianTensors.ComponentsOf(x)));
    }
}
