using System.Diagnostics;
using MoePS.Engine.Models.TensorNet;
using MoePS.Engine.Runtime;
using static TorchSharp.torch;

namespace MoePS.Bench;

/// <summary>
/// One training step (forward and backward) of TensorNet's fine-tuned last block (<see cref="TensorNetTail"/>) on a batch of
/// 250 crystals (the Fast preset's batch) of three tasks, with the pairs sharing one radial row per distinct length
/// (<see cref="RadialPairs.SharingRadialRows"/>, as training runs it) and with a row per pair (the same values, the radial
/// network run on every pair), alternated in one process. Median seconds of 7 steps after 2 warm-up steps each, at this
/// process's torch threads.
/// </summary>
public sealed class TensorNetBlockStepBenchmark : IBenchmark
{
    const int Crystals = 250, WarmUp = 2, Timed = 7;

    static readonly string[] Tasks = { "jarvis_2d_exfoliation", "piezoelectric_tensor", "mp_poly_total" };

    public string Name => "tensornet.block_step";

    public IEnumerable<BenchResult> Run(BenchContext context)
    {
        using var expert = TensorNetExpert.Load(context.PathOf(TensorNetPotential.RelativePath));
        using var block = (TensorNetTail)expert.NewBlock();
        foreach (string task in Tasks)
        {
            var crystals = context.LoadTask(task).Entries.Take(Crystals).Select(e => e.Crystal).ToList();
            using var inputs = (TensorNetTailInputs)expert.BlockInputs(crystals, ComputeDevice.Parse("cpu"));
            using var scope = NewDisposeScope();
            var shared = inputs.Batch(Enumerable.Range(0, crystals.Count).ToArray());
            var pairs = shared.Pairs;
            var row = pairs.RadialRow!;
            var perPair = shared with
            {
                Pairs = new RadialPairs(pairs.Source, pairs.Target, pairs.Basis.index_select(0, row), pairs.Envelope.index_select(0, row)),
            };
            var sharedTimes = new List<double>();
            var perPairTimes = new List<double>();
            for (int step = 0; step < WarmUp + Timed; step++)
            {
                double a = Step(block, perPair), b = Step(block, shared);
                if (step < WarmUp) continue;
                perPairTimes.Add(a);
                sharedTimes.Add(b);
            }
            double perPairMedian = Medians.Of(perPairTimes), sharedMedian = Medians.Of(sharedTimes);
            string details = $"{task}: {crystals.Count} crystals, {inputs.PairCount} pairs, {pairs.Basis.shape[0]} radial rows; " +
                $"forward + backward, median of {Timed} alternated steps after {WarmUp} (per pair {perPairTimes.Min():F3}-{perPairTimes.Max():F3} s, " +
                $"shared {sharedTimes.Min():F3}-{sharedTimes.Max():F3} s); torch threads {get_num_threads()}; load average {MachineState.LoadAverages()}";
            yield return new BenchResult($"tensornet.block_step.{task}.row_per_pair_s", perPairMedian, "s", details);
            yield return new BenchResult($"tensornet.block_step.{task}.shared_rows_s", sharedMedian, "s", details);
            yield return new BenchResult($"tensornet.block_step.{task}.speedup", perPairMedian / sharedMedian, "x", $"row per pair / shared rows; {details}");
        }
    }

    static double Step(TensorNetTail block, TensorNetTailBatch batch)
    {
        var clock = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        block.zero_grad();
        block.Features(batch).sum().backward();
        return clock.Elapsed.TotalSeconds;
    }
}
