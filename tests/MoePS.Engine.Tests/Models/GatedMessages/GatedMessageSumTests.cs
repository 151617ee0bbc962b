using MoePS.Engine.Models.GatedMessages;
using MoePS.Engine.Runtime;
using MoePS.Engine.Tests.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MoePS.Engine.Tests.Models.GatedMessages;

/// <summary>The fused CPU kernel against libtorch's separate operations, forward and backward.</summary>
[Collection(EnvironmentCollection.Name)]   // one test changes libtorch's thread count, which the process shares
public class GatedMessageSumTests
{
    /// <summary>
    /// Random operands: 37 atoms (not a whole number of kernel blocks), 5 slots, 45 atoms to gather from, 7 edge features
    /// (the last one always 1, its weights <c>offset</c>, which shifts every row's edge term by it).
    /// </summary>
    sealed class Operands
    {
        public Operands(int groups, int features, double offset, int seed)
        {
            var g = new Generator((ulong)seed);
            Shape = new GatedMessageShape(37, 5, groups, features);
            int c = Shape.Channels;
            Edges = cat(new[] { randn(Shape.Rows, 6, generator: g), ones(Shape.Rows, 1) }, 1);
            EdgeWeights = cat(new[] { randn(6, c, generator: g) * 0.4, full(1, c, offset) }, 0);
            Neighbours = randn(45, c, generator: g) * 0.5;
            Index = randint(0, 45, new long[] { Shape.Rows }, generator: g);
            Self = randn(Shape.Atoms, c, generator: g) * 0.5;
            Weight = rand(c, generator: g) + 0.5;
            Bias = randn(c, generator: g) * 0.3;
            Upstream = randn(Shape.Atoms, groups * features, generator: g);
        }

        public GatedMessageShape Shape { get; }
        public Tensor Edges { get; }
        public Tensor EdgeWeights { get; }
        public Tensor Neighbours { get; }
        public Tensor Index { get; }
        public Tensor Self { get; }
        public Tensor Weight { get; }
        public Tensor Bias { get; }
        public Tensor Upstream { get; }
    }

    /// <summary>Outputs and the gradients of Σ upstream·sum with respect to the six differentiable inputs.</summary>
    static Tensor[] Run(Operands o, ScalarType dtype, bool fused, GatedMessageWorkspace? workspace = null)
    {
        var inputs = new[] { o.Edges, o.EdgeWeights, o.Neighbours, o.Self, o.Weight, o.Bias }.Select(t => t.detach().to(dtype).requires_grad_(true)).ToArray();
        var (sum, mean, variance) = fused
            ? GatedMessageSum.Apply(inputs[0], inputs[1], inputs[2], o.Index, inputs[3], inputs[4], inputs[5], o.Shape, 1e-5, workspace ?? new GatedMessageWorkspace())
            : Libtorch(inputs[0], inputs[1], inputs[2], o.Index, inputs[3], inputs[4], inputs[5], o.Shape, 1e-5);
        (sum * o.Upstream.to(dtype)).sum().backward();
        return new[] { sum, mean, variance }.Concat(inputs.Select(t => t.grad!)).Select(t => t.detach().to(ScalarType.Float64)).ToArray();
    }

    /// <summary>The same step in libtorch's operations: batch_norm with momentum 1 leaves the batch's statistics in its buffers.</summary>
    static (Tensor Sum, Tensor Mean, Tensor Variance) Libtorch(Tensor edges, Tensor edgeWeights, Tensor neighbours, Tensor index, Tensor self,
        Tensor weight, Tensor bias, GatedMessageShape shape, double eps)
    {
        int c = shape.Channels;
        var x = neighbours.index_select(0, index).add(edges.matmul(edgeWeights)).view(shape.Atoms, shape.Slots, c).add(self.unsqueeze(1));
        var mean = zeros(c, dtype: edges.dtype);
        var variance = ones(c, dtype: edges.dtype);
        var y = nn.functional.batch_norm(x.view(shape.Rows, c), mean, variance, weight, bias, true, 1.0, eps)
            .view(shape.Atoms, shape.Slots, shape.Groups, 2, shape.Features);
        var sum = (nn.functional.sigmoid(y.select(3, 0)) * nn.functional.softplus(y.select(3, 1))).sum(1);
        return (sum.reshape(shape.Atoms, shape.Groups * shape.Features), mean, variance);
    }

    static readonly string[] Names = { "sum", "batch mean", "batch variance", "edge features gradient", "edge weights gradient", "neighbour gradient", "self gradient", "weight gradient", "bias gradient" };

    [Theory]
    [InlineData(1, 16, 0.0, 2e-5)]
    [InlineData(3, 8, 0.0, 2e-5)]
    public void MatchesLibtorchsOperationsInDoublePrecision(int groups, int features, double offset, double tolerance) =>
        AssertMatches(new Operands(groups, features, offset, seed: groups * 10 + features), ScalarType.Float64, tolerance);

    /// <summary>
    /// Rows whose mean is far from zero (x ≈ 1000 ± 1): float32 rows carry only about 4 digits of their deviation there, so
    /// the kernel is checked against the exact answer (libtorch in float64). It must not lose more of the
    /// variance to cancellation than libtorch's float32 operations do: its error stays within 1e-4 of each quantity's scale
    /// (it is 0.5e-5 to 5e-5), where libtorch's own float32 error is 0.3e-4 to 2.1e-4 and depends on its thread count
    /// (batch_norm splits its sums over the threads), which is why libtorch in float32 cannot be the reference.
    /// </summary>
    [Fact]
    public void MatchesTheExactAnswerOnALargeMeanAsCloselyAsLibtorchInFloat32() =>
        AssertMatches(new Operands(2, 8, 1000.0, seed: 28), ScalarType.Float64, 1e-4);

    static void AssertMatches(Operands o, ScalarType referenceType, double tolerance)
    {
        TorchRuntime.EnsureLoaded();
        var fused = Run(o, ScalarType.Float32, fused: true);
        var reference = Run(o, referenceType, fused: false);
        for (int i = 0; i < Names.Length; i++)
        {
            double scale = reference[i].abs().max().item<double>();
            double error = (fused[i] - reference[i]).abs().max().item<double>();
            Assert.True(error <= tolerance * Math.Max(scale, 1), $"{Names[i]}: max error {error:G3} at scale {scale:G3}");
        }
    }

    [Fact]
    public void GivesTheSameBitsOnOneThreadAndOnSeveral()
    {
        TorchRuntime.EnsureLoaded();
        var o = new Operands(2, 16, 0.0, seed: 5);
        int threads = get_num_threads();
        try
        {
            set_num_threads(1);
            var one = Run(o, ScalarType.Float32, fused: true);
            set_num_threads(4);
            var four = Run(o, ScalarType.Float32, fused: true);
            for (int i = 0; i < Names.Length; i++)
                Assert.True((one[i] == four[i]).all().item<bool>(), Names[i]);
        }
        finally
        {
            set_num_threads(threads);
        }
    }

    [Fact]
    public void RunsWithoutGradientsAsTheForwardPassAlone()
    {
        TorchRuntime.EnsureLoaded();
        var o = new Operands(1, 8, 0.0, seed: 9);
        Tensor withGradients = Run(o, ScalarType.Float32, fused: true)[0];
        using (no_grad())
        {
            var (sum, _, _) = GatedMessageSum.Apply(o.Edges, o.EdgeWeights, o.Neighbours, o.Index, o.Self, o.Weight, o.Bias, o.Shape, 1e-5, new GatedMessageWorkspace());
            Assert.False(sum.requires_grad);
            Assert.True((withGradients == sum.to(ScalarType.Float64)).all().item<bool>());
        }
    }

    [Fact]
    public void LayersFuseOnlyLargeFloat32CpuBatches()
    {
        TorchRuntime.EnsureLoaded();
        var small = new GatedMessageShape(3900, 12, 1, 64);      // an STL batch: 6·10⁶ per-edge floats
        var large = new GatedMessageShape(1250, 12, 18, 64);     // MoE-18 on jarvis_2d_exfoliation: 3.5·10⁷
        var edge = zeros(1, dtype: ScalarType.Float32);
        Assert.False(GatedMessageSum.Fuses(edge, small));
        Assert.True(GatedMessageSum.Fuses(edge, large));
        Assert.False(GatedMessageSum.Fuses(edge.to(ScalarType.Float64), large));
        Assert.False(GatedMessageSum.Fuses(edge, large with { Features = 12 }));   // not a whole number of vectors
        using (GatedMessageSum.FuseFrom(1)) Assert.True(GatedMessageSum.Fuses(edge, small));
        Assert.False(GatedMessageSum.Fuses(edge, small));
    }

    [Fact]
    public void RefusesOperandsThatDoNotFitItsShapeOrIndices()
    {
        TorchRuntime.EnsureLoaded();
        var o = new Operands(1, 8, 0.0, seed: 3);
        var badIndex = o.Index.clone();
        badIndex[7] = tensor(45L);   // one past the 45 atoms gathered from
        var workspace = new GatedMessageWorkspace();
        Assert.Throws<ArgumentException>(() => GatedMessageSum.Apply(o.Edges, o.EdgeWeights, o.Neighbours, badIndex, o.Self, o.Weight, o.Bias, o.Shape, 1e-5, workspace));
        Assert.Throws<ArgumentException>(() => GatedMessageSum.Apply(o.Edges, o.EdgeWeights, o.Neighbours, o.Index, o.Self, o.Weight, o.Bias, o.Shape with { Slots = 4 }, 1e-5, workspace));
        Assert.Throws<ArgumentException>(() => GatedMessageSum.Apply(o.Edges.to(ScalarType.Float64), o.EdgeWeights, o.Neighbours, o.Index, o.Self, o.Weight, o.Bias, o.Shape, 1e-5, workspace));
        Assert.Throws<ArgumentException>(() => GatedMessageSum.Apply(o.Edges, o.EdgeWeights[..5], o.Neighbours, o.Index, o.Self, o.Weight, o.Bias, o.Shape, 1e-5, workspace));
    }

    [Fact]
    public void ReusesItsWorkspaceFromStepToStepWithTheSameResults()
    {
        TorchRuntime.EnsureLoaded();
        var small = new Operands(2, 8, 0.0, seed: 11);
        var large = new Operands(3, 8, 0.0, seed: 12);
        var workspace = new GatedMessageWorkspace();
        var results = new[] { large, small, large }.Select(o => Run(o, ScalarType.Float32, fused: true, workspace)).ToArray();
        long held = (long)Math.Ceiling(large.Shape.Rows * large.Shape.Channels * 1.25);
        Assert.Equal(held, workspace.Capacity);   // grown once, for the first (larger) batch, then kept
        var fresh = new[] { small, large }.Select(o => Run(o, ScalarType.Float32, fused: true)).ToArray();
        for (int i = 0; i < Names.Length; i++)
        {
            Assert.True((results[1][i] == fresh[0][i]).all().item<bool>(), Names[i]);
            Assert.True((results[2][i] == fresh[1][i]).all().item<bool>(), Names[i]);
        }
        workspace.Release();
        Assert.Equal(0, workspace.Capacity);
    }

    [Fact]
    public void RunningStatisticsFollowPyTorchsUpdate()
    {
        TorchRuntime.EnsureLoaded();
        var runningMean = tensor(new[] { 1f, 2f });
        var runningVariance = tensor(new[] { 3f, 4f });
        GatedMessageSum.UpdateRunning(runningMean, runningVariance, tensor(new[] { 11f, 12f }), tensor(new[] { 13f, 14f }), 0.1);
        Assert.True(allclose(runningMean, tensor(new[] { 2f, 3f }), rtol: 1e-6, atol: 0));
        Assert.True(allclose(runningVariance, tensor(new[] { 4f, 5f }), rtol: 1e-6, atol: 0));
    }
}
