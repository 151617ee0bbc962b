using MoePS.Engine.Models;
using MoePS.Engine.Runtime;
using MoePS.Engine.Training;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace MoePS.Engine.Tests.Training;

/// <summary>
/// The explicit, long-lived Scalars that replace TorchSharp's implicit conversions (README, Reliability) leave the
/// arithmetic as it was: the same native calls with the same values, so the same bits.
/// </summary>
public class HeldScalarTests
{
    static readonly long[][] Shapes = { new long[] { 37, 5 }, new long[] { 64 }, new long[] { 3 } };

    [Fact]
    public void SoftplusPassesHeldScalarsAndEqualsTorchSharpsBitForBit()
    {
        TorchRuntime.EnsureLoaded();
        Assert.True(HeldScalars.SoftplusHoldsItsScalars, "TorchSharp no longer has Tensor.softplus1(Scalar, Scalar): softplus falls back to implicit Scalars.");
        var g = new Generator(3);
        using var x = randn(new long[] { 1000 }, generator: g) * 30; // past the threshold of 20 as well
        Assert.Equal(Values(nn.functional.softplus(x)), Values(HeldScalars.Softplus(x)));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.01)]
    public void HeldScalarAdamStepsExactlyAsTorchSharpsAdam(double weightDecay)
    {
        TorchRuntime.EnsureLoaded();
        var (reference, held) = Pairs(5);
        using var torchAdam = new Adam(Groups(reference, (p, lr) => new Adam.ParamGroup(p, lr, 0.9, 0.999, 1e-8, weightDecay)),
            1e-2, 0.9, 0.999, 1e-8, weightDecay);
        using var heldAdam = new HeldScalarAdam(Groups(held, (p, lr) => new Adam.ParamGroup(p, lr, 0.9, 0.999, 1e-8, weightDecay)),
            1e-2, 0.9, 0.999, 1e-8, weightDecay);
        StepBoth(torchAdam, heldAdam, reference, held);
    }

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(0.9, 0.0)]
    [InlineData(0.9, 0.01)]
    public void HeldScalarSgdStepsExactlyAsTorchSharpsSgd(double momentum, double weightDecay)
    {
        TorchRuntime.EnsureLoaded();
        var (reference, held) = Pairs(7);
        using var torchSgd = new SGD(Groups(reference, (p, lr) => new SGD.ParamGroup(p, lr, momentum, weight_decay: weightDecay)),
            0.02, momentum, weight_decay: weightDecay);
        using var heldSgd = new HeldScalarSgd(Groups(held, (p, lr) => new SGD.ParamGroup(p, lr, momentum, weight_decay: weightDecay)),
            0.02, momentum, weightDecay);
        StepBoth(torchSgd, heldSgd, reference, held);
    }

    [Fact]
    public void AConvolutionLayerUpdatesItsBatchNormStatisticsAsTorchSharpsBatchNorm()
    {
        TorchRuntime.EnsureLoaded();
        // The layer's own BatchNorm pass against TorchSharp's BatchNorm1d.forward, in training mode (batch statistics,
        // running statistics and num_batches_tracked updated) and then in eval mode.
        manual_seed(5);
        using var layer = new CgcnnConvLayer(8, 5);
        using var reference = new CgcnnConvLayer(8, 5);
        reference.load_state_dict(layer.state_dict());
        var bn1 = (BatchNorm1d)reference.named_children().Single(c => c.name == "bn1").module;
        var bn2 = (BatchNorm1d)reference.named_children().Single(c => c.name == "bn2").module;
        var g = new Generator(9);
        for (int step = 0; step < 3; step++)
        {
            var batch = RandomGraph(g, atoms: 20, neighbours: 4, edgeLength: 5);
            using var atoms = randn(new long[] { 20, 8 }, generator: g);
            Assert.Equal(Values(ReferenceForward(reference, bn1, bn2, atoms, batch)), Values(layer.forward(atoms, batch)));
        }
        foreach (var (name, value) in reference.state_dict())
            Assert.Equal(Values(value.to(float32)), Values(layer.state_dict()[name].to(float32)));
        Assert.Equal(3, layer.state_dict()["bn1.num_batches_tracked"].item<long>());

        layer.eval();
        reference.eval();
        using var _ = no_grad();
        var evalBatch = RandomGraph(g, atoms: 12, neighbours: 4, edgeLength: 5);
        using var evalAtoms = randn(new long[] { 12, 8 }, generator: g);
        Assert.Equal(Values(ReferenceForward(reference, bn1, bn2, evalAtoms, evalBatch)), Values(layer.forward(evalAtoms, evalBatch)));
    }

    /// <summary>The layer's arithmetic with TorchSharp's BatchNorm1d modules and operators (the implicit Scalars).</summary>
    static Tensor ReferenceForward(CgcnnConvLayer layer, BatchNorm1d bn1, BatchNorm1d bn2, Tensor atoms, GraphBatch graph)
    {
        var state = layer.state_dict();
        var w = state["fc_full.weight"];
        long n = atoms.shape[0], m = graph.NeighbourIndex.shape[1], f = atoms.shape[1];
        var selfPart = atoms.matmul(w.narrow(1, 0, f).t()) + state["fc_full.bias"];
        var neighbourPart = atoms.matmul(w.narrow(1, f, f).t()).index_select(0, graph.NeighbourIndex.reshape(-1)).view(n, m, 2 * f);
        var edgePart = graph.EdgeFeatures.matmul(w.narrow(1, 2 * f, w.shape[1] - 2 * f).t());
        var gated = bn1.forward((edgePart + neighbourPart + selfPart.unsqueeze(1)).view(n * m, 2 * f)).view(n, m, 2 * f);
        var halves = gated.chunk(2, 2);
        var summed = (sigmoid(halves[0]) * nn.functional.softplus(halves[1])).sum(1);
        return nn.functional.softplus(atoms + bn2.forward(summed));
    }

    static GraphBatch RandomGraph(Generator g, int atoms, int neighbours, int edgeLength) => new(
        randn(new long[] { atoms, 3 }, generator: g),
        randint(0, atoms, new long[] { atoms, neighbours }, generator: g),
        rand(new long[] { atoms, neighbours, edgeLength }, generator: g),
        zeros(atoms, dtype: int64), full(1, (float)atoms), arange(atoms), 1);

    static (Parameter[] Reference, Parameter[] Held) Pairs(int seed)
    {
        var g = new Generator((ulong)seed);
        var initial = Shapes.Select(s => rand(s, generator: g) - 0.5).ToArray();
        return (initial.Select(t => new Parameter(t.clone())).ToArray(), initial.Select(t => new Parameter(t.clone())).ToArray());
    }

    /// <summary>Two groups at different rates, as the trainer's (the first two parameters, the third).</summary>
    static T[] Groups<T>(Parameter[] p, Func<Parameter[], double, T> group) =>
        new[] { group(new[] { p[0], p[1] }, 1e-2), group(new[] { p[2] }, 5e-3) };

    static void StepBoth(OptimizerHelper reference, OptimizerHelper held, Parameter[] referenceParameters, Parameter[] heldParameters)
    {
        var g = new Generator(17);
        for (int step = 0; step < 6; step++)
        {
            // The trainer sets each group's rate before every epoch (the cosine schedule).
            foreach (var optimizer in new[] { reference, held })
            {
                int index = 0;
                foreach (var group in optimizer.ParamGroups) group.LearningRate = (index++ == 0 ? 1e-2 : 5e-3) * Math.Cos(step * 0.3);
            }
            for (int j = 0; j < Shapes.Length; j++)
            {
                var grad = randn(Shapes[j], generator: g);
                referenceParameters[j].grad = grad.clone();
                heldParameters[j].grad = grad.clone();
            }
            reference.step();
            held.step();
            for (int j = 0; j < Shapes.Length; j++)
                Assert.Equal(Values(referenceParameters[j].detach()), Values(heldParameters[j].detach()));
        }
    }

    static float[] Values(Tensor t) => t.detach().contiguous().data<float>().ToArray();
}
