using MoePS.Engine.Runtime;
using MoePS.Engine.Training.Packing;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace MoePS.Engine.Tests.Training;

public class StackedAdamTests
{
    const int Runs = 3;
    static readonly long[][] Shapes = { new long[] { 37, 5 }, new long[] { 64 }, new long[] { 3 } };
    static readonly int[] GroupOf = { 0, 0, 1 };

    /// <summary>Which runs step at each step: run 1 skips steps 2 and 3, run 2 stops after step 4.</summary>
    static readonly int[][] Stepping = { new[] { 0, 1, 2 }, new[] { 0, 1, 2 }, new[] { 0, 2 }, new[] { 0, 2 }, new[] { 0, 1, 2 }, new[] { 0, 1 }, new[] { 0, 1 } };

    /// <summary>Rate of group g for run r at step s: runs 0 and 1 share a schedule, run 2 has its own, and groups differ.</summary>
    static double Rate(int g, int r, int s) => (g == 0 ? 1e-2 : 5e-3) * (r == 2 ? 0.5 : 1) * Math.Cos(s * 0.1);

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.01)]
    public void OneStackedAdamEqualsAnIndependentAdamPerRunIncludingRunsThatSkipSteps(double weightDecay)
    {
        TorchRuntime.EnsureLoaded();
        var g = new Generator(11);
        var initial = Shapes.Select(s => rand(new[] { (long)Runs }.Concat(s).ToArray(), generator: g) - 0.5).ToArray();

        // R independent runs, each with torch's Adam over its own parameters in two groups.
        var own = Enumerable.Range(0, Runs).Select(r => initial.Select(t => new Parameter(t[r].clone())).ToArray()).ToArray();
        var optimisers = own.Select(p => new Adam(new[]
        {
            new Adam.ParamGroup(new[] { p[0], p[1] }, 1e-2, 0.9, 0.999, 1e-8, weightDecay),
            new Adam.ParamGroup(new[] { p[2] }, 5e-3, 0.9, 0.999, 1e-8, weightDecay),
        }, 1e-2, 0.9, 0.999, 1e-8, weightDecay)).ToArray();

        // The same runs stacked, with one optimiser.
        var stacked = initial.Select(t => new StackedTensor(t.clone(), zeros_like(t))).ToArray();
        using var adam = new StackedAdam(new[] { new[] { stacked[0], stacked[1] }, new[] { stacked[2] } }, Runs, weightDecay);

        for (int s = 0; s < Stepping.Length; s++)
        {
            var before = stacked.Select(p => p.Value.clone()).ToArray();
            foreach (int r in Stepping[s])
            {
                int index = 0;
                foreach (var group in optimisers[r].ParamGroups) group.LearningRate = Rate(index++, r, s);
                for (int j = 0; j < Shapes.Length; j++)
                {
                    var grad = randn(Shapes[j], generator: g);
                    own[r][j].grad = grad.clone();
                    stacked[j].Grad[r].copy_(grad);
                }
                optimisers[r].step();
            }
            var rates = new[] { 0, 1 }.Select(group => Enumerable.Range(0, Runs).Select(r => Rate(group, r, s)).ToArray()).ToArray();
            adam.Step(rates, Stepping[s]);
            foreach (var p in stacked) p.Grad.zero_();

            for (int r = 0; r < Runs; r++)
                for (int j = 0; j < Shapes.Length; j++)
                {
                    var expected = own[r][j].detach();
                    var actual = stacked[j].Value[r];
                    Assert.True(actual.allclose(expected, rtol: 1e-6, atol: 1e-7),
                        $"step {s}, run {r}, parameter {j}: max difference {(actual - expected).abs().max().item<float>()}");
                    if (!Stepping[s].Contains(r)) Assert.Equal(Values(before[j][r]), Values(actual)); // skipped: not moved at all
                }
        }
        Assert.Equal(new long[] { 7, 5, 5 }, adam.Steps);
    }

    [Fact]
    public void AZeroGradientIsNoMaskForAdam()
    {
        TorchRuntime.EnsureLoaded();
        var p = new Parameter(ones(3));
        using var adam = new Adam(new[] { p }, lr: 0.1);
        p.grad = full(3, 2f);
        adam.step();
        var after = p.detach().clone();
        p.grad = zeros(3);
        adam.step();
        // The first moment still pushes the parameter: skipping a run needs the mask of StackedAdam, not a zero gradient.
        Assert.NotEqual(Values(after), Values(p.detach()));
    }

    static float[] Values(Tensor t) => t.contiguous().data<float>().ToArray();
}
