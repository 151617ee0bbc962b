using System.Diagnostics;
using System.Globalization;
using static TorchSharp.torch;

namespace MoePS.Bench;

/// <summary>
/// How much this machine alone spreads a fixed piece of work as long as an epoch, two kinds of it. Compute: 40 passes of
/// a 16,384 × 256 by 256 × 256 product written in place, then a sigmoid and a product over the result (48 MB in all).
/// Streaming (<c>machine.spread.streaming</c>): 30 passes of element-wise work over two 256 MB tensors, far past the
/// caches, as an MoE-18 epoch streams its per-edge tensors. Both on tensors allocated once, on the default torch threads,
/// about 0.6 s here (an MoE-18 epoch on jarvis_2d_exfoliation), with no allocation or page fault while timed and no random
/// number drawn. Each is timed as many times as the epoch benchmarks keep epochs (repeats × (epochs − 1)), back to back.
/// Their max/min is the floor under any epoch benchmark's max/min on this machine, compute-bound and memory-bound; what
/// an epoch spreads beyond it is the epoch's own (page faults: machine.first_touch, EpochSeries.Quiet).
/// </summary>
public sealed class MachineSpreadBenchmark : IBenchmark
{
    const int Rows = 16_384, Width = 256, Passes = 40;
    const long StreamedFloats = 64L << 20;
    const int StreamingPasses = 30;

    public string Name => "machine.spread";

    public IEnumerable<BenchResult> Run(BenchContext context)
    {
        int count = context.Timing.Repeats * Math.Max(context.Timing.Epochs - 1, 1);
        using (var input = linspace(0, 1, Rows * Width).reshape(Rows, Width))
        using (var weight = full(Width, Width, 1.0f / Width))
        using (var output = empty(Rows, Width))
        {
            foreach (var result in Spread(Name, $"the same {Passes} passes of a product", count, () =>
            {
                for (int p = 0; p < Passes; p++) output.addmm_(input, weight, beta: 0).sigmoid_().mul_(input);
            }))
                yield return result;
        }
        using (var a = linspace(0, 1, StreamedFloats))
        using (var b = empty(StreamedFloats))
        {
            foreach (var result in Spread($"{Name}.streaming", $"the same {StreamingPasses} passes over two {StreamedFloats * 4 >> 20} MB tensors", count, () =>
            {
                for (int p = 0; p < StreamingPasses; p++) b.copy_(a).mul_(0.5).add_(a);
            }))
                yield return result;
        }
    }

    static IEnumerable<BenchResult> Spread(string name, string work, int count, Action passes)
    {
        string load = MachineState.LoadAverages();
        Seconds(passes); // the first time pays libtorch's one-time costs and touches every page
        var timings = Enumerable.Range(0, count).Select(_ => Timed(passes)).ToList();
        var seconds = timings.Select(t => t.Seconds).ToList();
        var threads = timings.Select(t => t.Threads).ToList();
        var cpu = threads.Select(t => t.ComputeCpu).ToList();
        double median = Medians.Of(seconds), max = seconds.Max(), min = seconds.Min();
        string details = string.Create(CultureInfo.InvariantCulture,
            $"{count} timings of {work}, back to back: median {median:F3} s, min-max {min:F3}-{max:F3} s; " +
            $"load average at start {load}, at end {MachineState.LoadAverages()}; [{string.Join(", ", seconds.Select(s => s.ToString("F3", CultureInfo.InvariantCulture)))}] s; {ThreadUse.Describe(threads)}");
        yield return new BenchResult($"{name}.seconds", median, "s", details);
        yield return new BenchResult($"{name}.max_over_min", max / min, "ratio", details);
        yield return new BenchResult($"{name}.compute_cpu_max_over_min", cpu.Max() / cpu.Min(), "ratio", details);
    }

    static (double Seconds, ThreadUse Threads) Timed(Action passes)
    {
        var before = ThreadTimes.Now();
        double seconds = Seconds(passes);
        return (seconds, ThreadTimes.Now().Since(before));
    }

    static double Seconds(Action passes)
    {
        using var _ = no_grad();
        var clock = Stopwatch.StartNew();
        passes();
        return clock.Elapsed.TotalSeconds;
    }
}
