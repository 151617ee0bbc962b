using System.Diagnostics;
using MoePS.Engine.Models.GatedMessages;
using MoePS.Engine.Models.Mixture;
using MoePS.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace MoePS.Bench;

/// <summary>
/// One training step (forward and backward) of a convolution layer's message step on random tensors, through libtorch's
/// separate operations and through the fused operation (<see cref="GatedMessageSum"/>), at the sizes the layers meet: an
/// STL batch of expt_eform (3,900 atoms, one CGCNN: 6.0·10⁶ per-edge floats), MoE k = 4 on it (2.4·10⁷) and MoE-18 on
/// jarvis_2d_exfoliation (1,250 atoms, 3.5·10⁷). Median milliseconds of 7 steps after 2 warm-up steps, at this process's
/// torch threads. What decides <see cref="GatedMessageSum.DefaultFuseFromFloats"/>.
/// </summary>
public sealed class MessageStepBenchmark : IBenchmark
{
    const int Features = 64, EdgeLength = 41, Neighbours = 12, WarmUp = 2, Timed = 7;

    public string Name => "message.step";

    public IEnumerable<BenchResult> Run(BenchContext context)
    {
        TorchRuntime.EnsureLoaded();
        foreach (var (name, extractors, atoms) in new[] { ("stl", 1, 3900L), ("k4", 4, 3900L), ("k18", 18, 1250L) })
        {
            var generator = new Generator(17);
            var layer = new StackedConvLayer(Enumerable.Range(0, extractors).Select(_ => RandomLayer(generator)).ToArray());
            layer.train();
            var input = rand(atoms, extractors, Features, generator: generator);
            var neighbours = randint(0, atoms, new[] { atoms, Neighbours }, generator: generator);
            var edges = rand(atoms * Neighbours, EdgeLength, generator: generator);
            var selected = Enumerable.Range(0, extractors).ToArray();
            double libtorch, fused;
            using (GatedMessageSum.FuseFrom(long.MaxValue)) libtorch = MedianMilliseconds(layer, selected, input, neighbours, edges);
            using (GatedMessageSum.FuseFrom(1)) fused = MedianMilliseconds(layer, selected, input, neighbours, edges);
            long floats = atoms * Neighbours * extractors * 2 * Features;
            string details = $"{extractors} stacked CGCNN layer(s), {atoms} atoms × {Neighbours} neighbours, {floats:E2} per-edge floats; " +
                $"forward + backward, median of {Timed} steps after {WarmUp}; torch threads {get_num_threads()}; load average {MachineState.LoadAverages()}";
            yield return new BenchResult($"message.step.{name}.libtorch_ms", libtorch, "ms", details);
            yield return new BenchResult($"message.step.{name}.fused_ms", fused, "ms", details);
            yield return new BenchResult($"message.step.{name}.speedup", libtorch / fused, "x", $"libtorch / fused; {details}");
        }
    }

    static ConvLayerWeights RandomLayer(Generator g) => new(
        randn(2 * Features, 2 * Features + EdgeLength, generator: g) * 0.1, randn(2 * Features, generator: g) * 0.1,
        rand(2 * Features, generator: g) + 0.5, randn(2 * Features, generator: g) * 0.1, zeros(2 * Features), ones(2 * Features),
        rand(Features, generator: g) + 0.5, randn(Features, generator: g) * 0.1, zeros(Features), ones(Features));

    static double MedianMilliseconds(StackedConvLayer layer, int[] selected, Tensor input, Tensor neighbours, Tensor edges)
    {
        var times = new List<double>();
        for (int step = 0; step < WarmUp + Timed; step++)
        {
            using var scope = NewDisposeScope();
            var atoms = input.detach().requires_grad_(true);
            var clock = Stopwatch.StartNew();
            layer.Forward(selected, atoms, neighbours, edges).sum().backward();
            if (step >= WarmUp) times.Add(clock.Elapsed.TotalMilliseconds);
            layer.zero_grad();
        }
        times.Sort();
        return times[times.Count / 2];
    }
}
