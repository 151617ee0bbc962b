using System.Diagnostics;
using MoePS.Engine.Crystals;
using MoePS.Engine.Models.TensorNet;
using MoePS.Engine.Runtime;
using static TorchSharp.torch;

namespace MoePS.Bench;

/// <summary>
/// One training step (forward and backward) of TensorNet's fine-tuned last block (<see cref="TensorNetTail"/>) on a batch of
/// 250 crystals (the Fast preset's batch) of three tasks, three ways alternated in one process: as training runs it (the
/// pairs sharing one radial row per distinct length, <see cref="RadialPairs.SharingRadialRows"/>, and the fused message
/// step, <see cref="TensorMessageSum"/>); with libtorch's message operations instead; and with a row per pair as well (the
/// radial network run on every pair, as before either). Median seconds of 7 steps after 2 warm-up steps each, at this
/// process's torch threads.
/// </summary>
/// <remarks>
/// Beside them, the interaction layer alone (to the squared norms of its output's parts, with the
/// fused message step) two ways: from the input as the block prepares it once, I, A and S handled as their 10 components
/// (<see cref="TensorNetInteraction.PartSquaredNormsAfter"/>, how the block runs), and as the potential runs it, from X
/// each step.
/// </remarks>
public sealed class TensorNetBlockStepBenchmark : IBenchmark
{
    const int Crystals = 250, WarmUp = 2, Timed = 7;

    static readonly string[] Tasks = { "jarvis_2d_exfoliation", "piezoelectric_tensor", "mp_poly_total" };

    public string Name => "tensornet.block_step";

    public IEnumerable<BenchResult> Run(BenchContext context)
    {
        string folder = context.PathOf(TensorNetPotential.RelativePath);
        using var expert = TensorNetExpert.Load(folder);
        using var potential = TensorNetPotential.Load(folder);
        using var block = (TensorNetTail)expert.NewBlock();
        using var layer = new TensorNetInteraction(potential.Architecture.Units, potential.Architecture.RadialFunctions) { FusesMessages = true };
        foreach (string task in Tasks)
        {
            var crystals = context.LoadTask(task).Entries.Take(Crystals).Select(e => e.Crystal).ToList();
            using var inputs = (TensorNetTailInputs)expert.BlockInputs(crystals, ComputeDevice.Parse("cpu"));
            using var scope = NewDisposeScope();
            foreach (var result in LayerTwoWays(task, potential, layer, crystals)) yield return result;
            var shared = inputs.Batch(Enumerable.Range(0, crystals.Count).ToArray());
            var pairs = shared.Pairs;
            var perPair = shared with { Pairs = pairs.RowPerPair() };
            var times = new[] { new List<double>(), new List<double>(), new List<double>() };   // as trained, libtorch's messages, and a row per pair
            for (int step = 0; step < WarmUp + Timed; step++)
            {
                double trained = Step(block, shared), libtorch, perRow;
                using (TensorMessageSum.Off())
                {
                    libtorch = Step(block, shared);
                    perRow = Step(block, perPair);
                }
                if (step < WarmUp) continue;
                times[0].Add(trained);
                times[1].Add(libtorch);
                times[2].Add(perRow);
            }
            var medians = times.Select(Medians.Of).ToArray();
            string Range(List<double> t) => $"{t.Min():F3}-{t.Max():F3} s";
            string details = $"{task}: {crystals.Count} crystals, {inputs.PairCount} pairs, {pairs.Basis.shape[0]} radial rows; " +
                $"forward + backward, median of {Timed} alternated steps after {WarmUp} (as trained {Range(times[0])}, libtorch's messages " +
                $"{Range(times[1])}, and a row per pair {Range(times[2])}); torch threads {get_num_threads()}; load average {MachineState.LoadAverages()}";
            yield return new BenchResult($"tensornet.block_step.{task}.trained_s", medians[0], "s", details);
            yield return new BenchResult($"tensornet.block_step.{task}.libtorch_messages_s", medians[1], "s", details);
            yield return new BenchResult($"tensornet.block_step.{task}.row_per_pair_s", medians[2], "s", details);
            yield return new BenchResult($"tensornet.block_step.{task}.speedup_vs_libtorch_messages", medians[1] / medians[0], "x", details);
            yield return new BenchResult($"tensornet.block_step.{task}.speedup_vs_row_per_pair", medians[2] / medians[0], "x", details);
        }
    }

    /// <summary>The interaction layer's step from the prepared input against the potential's way from X, alternated.</summary>
    static IEnumerable<BenchResult> LayerTwoWays(string task, TensorNetPotential potential, TensorNetInteraction layer, List<Crystal> crystals)
    {
        using var scope = NewDisposeScope();
        Tensor x;
        RadialPairs pairs;
        using (no_grad())
        using (var batch = potential.Batch(crystals))
        {
            (x, pairs) = potential.Model.LastBlockInputs(batch);
            // Copies, as Source and Target are the batch's and are disposed with it.
            pairs = pairs.SharingRadialRows().Map(t => t.clone());
        }
        var (normalised, components) = TensorNetInteraction.Prepare(x);
        var times = new[] { new List<double>(), new List<double>() };   // prepared, and from X
        for (int step = 0; step < WarmUp + Timed; step++)
        {
            double prepared = LayerStep(layer, () => layer.PartSquaredNormsAfter(normalised, components, pairs));
            double fromX = LayerStep(layer, () => CartesianTensors.PartSquaredNorms(layer.Interact(x, pairs)));
            if (step < WarmUp) continue;
            times[0].Add(prepared);
            times[1].Add(fromX);
        }
        var medians = times.Select(Medians.Of).ToArray();
        string details = $"{task}: {crystals.Count} crystals, {x.shape[0]} atoms; the interaction layer to its part norms, forward + backward, " +
            $"median of {Timed} alternated steps after {WarmUp} (prepared {times[0].Min():F3}-{times[0].Max():F3} s, from X " +
            $"{times[1].Min():F3}-{times[1].Max():F3} s); torch threads {get_num_threads()}; load average {MachineState.LoadAverages()}";
        yield return new BenchResult($"tensornet.block_step.{task}.layer_prepared_s", medians[0], "s", details);
        yield return new BenchResult($"tensornet.block_step.{task}.layer_from_x_s", medians[1], "s", details);
        yield return new BenchResult($"tensornet.block_step.{task}.speedup_prepared_vs_from_x", medians[1] / medians[0], "x", details);
    }

    static double LayerStep(TensorNetInteraction layer, Func<Tensor> partNorms)
    {
        var clock = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        layer.zero_grad();
        partNorms().sum().backward();
        return clock.Elapsed.TotalSeconds;
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
