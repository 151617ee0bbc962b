using System.Diagnostics;
using System.Globalization;
using static TorchSharp.torch;

namespace MoePS.Bench;

/// <summary>
/// How much this machine alone spreads a fixed piece of work as long as an epoch. The work: 40 passes of a
/// 16,384 × 256 by 256 × 256 product written in place, then a sigmoid and a product over the result, on tensors
/// allocated once, on the default torch threads (about 0.6 s here, an MoE-18 epoch on jarvis_2d_exfoliation; no
/// allocation or page fault while timed, no random number drawn). It is timed as many times as the epoch benchmarks
/// keep epochs (repeats × (epochs − 1)), back to back. Its max/min is the floor under any epoch benchmark's max/min on
/// this machine; what an epoch spreads beyond it is the epoch's own (page faults: machine.first_touch, EpochSeries.Quiet).
/// </summary>
public sealed class MachineSpreadBenchmark : IBenchmark
{
    const int Rows = 16_384, Width = 256, Passes = 40;

    public string Name => "machine.spread";

    public IEnumerable<BenchResult> Run(BenchContext context)
    {
        int count = context.Timing.Repeats * Math.Max(context.Timing.Epochs - 1, 1);
        string load = MachineState.LoadAverages();
        using var input = linspace(0, 1, Rows * Width).reshape(Rows, Width);
        using var weight = full(Width, Width, 1.0f / Width);
        using var output = empty(Rows, Width);
        Seconds(input, weight, output); // the first time pays libtorch's one-time costs
        var seconds = Enumerable.Range(0, count).Select(_ => Seconds(input, weight, output)).ToList();
        double median = Medians.Of(seconds), max = seconds.Max(), min = seconds.Min();
        string details = string.Create(CultureInfo.InvariantCulture,
            $"{count} timings of the same {Passes} passes, back to back: median {median:F3} s, min-max {min:F3}-{max:F3} s; " +
            $"load average at start {load}, at end {MachineState.LoadAverages()}; [{string.Join(", ", seconds.Select(s => s.ToString("F3", CultureInfo.InvariantCulture)))}] s");
        yield return new BenchResult($"{Name}.seconds", median, "s", details);
        yield return new BenchResult($"{Name}.max_over_min", max / min, "ratio", details);
    }

    static double Seconds(Tensor input, Tensor weight, Tensor output)
    {
        using var _ = no_grad();
        var clock = Stopwatch.StartNew();
        for (int p = 0; p < Passes; p++)
            output.addmm_(input, weight, beta: 0).sigmoid_().mul_(input);
        return clock.Elapsed.TotalSeconds;
    }
}
