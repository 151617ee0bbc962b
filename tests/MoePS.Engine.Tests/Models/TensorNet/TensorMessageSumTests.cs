using MoePS.Engine.Models.TensorNet;
using MoePS.Engine.Tests.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MoePS.Engine.Tests.Models.TensorNet;

/// <summary>The fused message step of a fine-tuned TensorNet block against libtorch's separate operations, forward and backward.</summary>
[Collection(EnvironmentCollection.Name)]   // one test changes libtorch's thread count, which the process shares
public class TensorMessageSumTests
{
    const double Tolerance = 1e-5;

    /// <summary>
    /// Random operands: 9 atoms (atom 8 is no pair's source or target), 16 channels, 47 pairs that share 13 radial rows, and
    /// the gradient of a random projection of the sums.
    /// </summary>
    static (Tensor Radial, Tensor Components, RadialPairs Pairs, Tensor Upstream) Operands(bool sharedRows)
    {
        var g = new Generator(5);
        long atoms = 9, channels = 16, pairs = 47, rows = sharedRows ? 13 : 47;
        var radial = randn(rows, channels, 3, generator: g);
        var components = randn(atoms, channels, CartesianTensors.ComponentCount, generator: g);
        var source = randint(0, atoms - 1, new[] { pairs }, generator: g);
        var target = randint(0, atoms - 1, new[] { pairs }, generator: g);
        var row = sharedRows ? randint(0, rows, new[] { pairs }, generator: g) : null;
        // Basis and envelope are not read by the message step; rows of the right count stand in for them.
        var radialPairs = new RadialPairs(source, target, zeros(rows, 3), zeros(rows), row);
        return (radial, components, radialPairs, randn(atoms, channels, CartesianTensors.ComponentCount, generator: g));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void FusedSumsAndGradientsEqualLibtorchsOperations(bool sharedRows)
    {
        using var scope = NewDisposeScope();
        var (radial, components, pairs, upstream) = Operands(sharedRows);
        (Tensor Sums, Tensor Radial, Tensor Components) Run(Func<Tensor, Tensor, Tensor> step)
        {
            var r = radial.detach().requires_grad_(true);
            var c = components.detach().requires_grad_(true);
            var sums = step(r, c);
            (sums * upstream).sum().backward();
            return (sums.detach(), r.grad!, c.grad!);
        }
        var fused = Run((r, c) => TensorMessageSum.Apply(r, c, pairs));
        var libtorch = Run((r, c) => CartesianTensors.SumOnto(pairs.Source,
            CartesianTensors.SpreadOverComponents(pairs.PerPair(r)) * c.index_select(0, pairs.Target), c.shape[0]));
        Assert.True(fused.Sums.allclose(libtorch.Sums, rtol: Tolerance, atol: Tolerance), "sums");
        Assert.True(fused.Radial.allclose(libtorch.Radial, rtol: Tolerance, atol: Tolerance), "radial gradient");
        Assert.True(fused.Components.allclose(libtorch.Components, rtol: Tolerance, atol: Tolerance), "component gradient");
        Assert.Equal(0f, fused.Sums[8].abs().sum().item<float>());
    }

    [Fact]
    public void RefusesAPairWhoseAtomOrRowIsOutside()
    {
        using var scope = NewDisposeScope();
        var (radial, components, pairs, _) = Operands(sharedRows: true);
        var badAtom = pairs with { Target = pairs.Target.clone().index_fill_(0, tensor(new long[] { 3 }), 9) };
        Assert.Contains("atom is outside", Assert.Throws<ArgumentException>(() => TensorMessageSum.Apply(radial, components, badAtom)).Message);
        var badRow = pairs with { RadialRow = pairs.RadialRow!.clone().index_fill_(0, tensor(new long[] { 0 }), 13) };
        Assert.Contains("radial row is outside", Assert.Throws<ArgumentException>(() => TensorMessageSum.Apply(radial, components, badRow)).Message);
    }

    /// <summary>
    /// TEST FIXTURE: 12 crystals of 2-6 atoms and 3-40 pairs each (their own atoms and radial rows), joined as a batch is.
    /// </summary>
    static (RadialPairs Pairs, long Atoms) JoinedCrystals(Generator g)
    {
        var parts = new List<RadialPairs>();
        var atoms = new List<int>();
        for (int c = 0; c < 12; c++)
        {
            int n = 2 + c % 5, pairs = 3 + (c * 7) % 38, rows = 1 + c % 4;
            parts.Add(new RadialPairs(randint(0, n, new long[] { pairs }, generator: g), randint(0, n, new long[] { pairs }, generator: g),
                zeros(rows, 3), zeros(rows), randint(0, rows, new long[] { pairs }, generator: g)));
            atoms.Add(n);
        }
        return (RadialPairs.Joined(parts, atoms), atoms.Sum());
    }

    [Fact]
    public void SplitsABatchAtItsCrystalsAndGivesTheSameBitsAtAnyThreadCount()
    {
        using var scope = NewDisposeScope();
        var g = new Generator(11);
        var (pairs, atoms) = JoinedCrystals(g);
        long count = pairs.Source.shape[0];
        var ranges = TensorMessageSum.Ranges(pairs, 3);
        Assert.True(ranges.Length > 1);
        Assert.Equal(count, ranges[^1]);
        Assert.All(ranges, end => Assert.Contains(end, pairs.PartEnds!));
        Assert.Equal(new[] { count }, TensorMessageSum.Ranges(pairs, 1));

        var radial = randn(pairs.Basis.shape[0], 16, 3, generator: g);
        var components = randn(atoms, 16, CartesianTensors.ComponentCount, generator: g);
        var upstream = randn(atoms, 16, CartesianTensors.ComponentCount, generator: g);
        (Tensor Sums, Tensor Radial, Tensor Components) Run(int threads)
        {
            int before = get_num_threads();
            set_num_threads(threads);
            try
            {
                var r = radial.detach().requires_grad_(true);
                var c = components.detach().requires_grad_(true);
                var sums = TensorMessageSum.Apply(r, c, pairs);
                (sums * upstream).sum().backward();
                return (sums.detach(), r.grad!, c.grad!);
            }
            finally
            {
                set_num_threads(before);
            }
        }
        var one = Run(1);
        var three = Run(3);
        Assert.True(one.Sums.eq(three.Sums).all().item<bool>(), "sums");
        Assert.True(one.Radial.eq(three.Radial).all().item<bool>(), "radial gradient");
        Assert.True(one.Components.eq(three.Components).all().item<bool>(), "component gradient");
    }
}
