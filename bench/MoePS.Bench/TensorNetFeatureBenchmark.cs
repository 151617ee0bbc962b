using System.Globalization;
using MoePS.Engine.Crystals;
using MoePS.Engine.Models.TensorNet;
using static TorchSharp.torch;

namespace MoePS.Bench;

/// <summary>
/// TensorNet featurisation throughput on the CPU: the 128-number crystal feature (mean of node_feat) of the first 500
/// structures of jarvis_2d_exfoliation, from crystals (pair search included), on 1 and then 2 threads: each crystal
/// alone in float32 as TensorNetExpert computes it (as many crystals side by side as threads, each on one torch thread),
/// in batches in float32 and float64 (on that many torch threads), and on 1 thread where the time of a crystal alone
/// goes (pair search, batch tensors, network). With --reference, MatGL's own code on the same
/// structures with the same thread count (<see cref="MatGLCode"/>, one structure at a time, float32), its features
/// checked against ours, and the ratios.
/// </summary>
public sealed class TensorNetFeatureBenchmark : IBenchmark
{
    const int Structures = 500;
    const int WarmUp = 8;
    /// <summary>Structures whose features are compared with MatGL's.</summary>
    const int Checked = 8;
    /// <summary>Largest difference from MatGL's float32 features that still counts as the same computation (the golden tests allow 1e-5).</summary>
    const double SameFeatures = 1e-4;
    static readonly int[] ThreadCounts = { 1, 2 };

    public string Name => "tensornet.features";

    public IEnumerable<BenchResult> Run(BenchContext context)
    {
        var crystals = DatasetFile.Read(context.PathOf("tasks", "jarvis_2d_exfoliation.json.gz")).Dataset.Entries
            .Take(Structures).Select(e => e.Crystal).ToList();
        long atoms = crystals.Sum(c => (long)c.AtomCount);
        int repeats = context.Timing.Repeats;
        string folder = context.PathOf(TensorNetPotential.RelativePath);
        using var single = TensorNetPotential.Load(folder, ScalarType.Float32);
        using var dual = TensorNetPotential.Load(folder, ScalarType.Float64);
        long pairs = crystals.Sum(c => (long)single.PairsOf(c).Count);
        string structures = $"jarvis_2d_exfoliation first {crystals.Count} structures ({atoms} atoms, {pairs} pairs within {single.Architecture.Cutoff} Å)";
        if (context.MatGL is null) BenchContext.Log($"  {context.MatGLAbsence ?? "no MatGL reference without --reference"}: MoePS's numbers only, no ratio.");

        var problems = new List<string>();
        int threadsBefore = get_num_threads();
        try
        {
            foreach (int threads in ThreadCounts)
            {
                set_num_threads(threads);
                string on = $"{threads} torch thread(s), {Environment.ProcessorCount} cores";
                single.CrystalFeatures(crystals.Take(WarmUp).ToList()).Dispose();
                dual.CrystalFeatures(crystals.Take(WarmUp).ToList()).Dispose();
                single.FeaturesEachAlone(crystals.Take(WarmUp).ToList(), threads);

                var alone = TimedPasses.Measure(repeats, () => single.FeaturesEachAlone(crystals, threads));
                var batched = TimedPasses.Measure(repeats, () => single.CrystalFeatures(crystals).Dispose());
                var batched64 = TimedPasses.Measure(repeats, () => dual.CrystalFeatures(crystals).Dispose());
                string prefix = $"tensornet.features.float32.alone.threads{threads}";
                foreach (var r in alone.Results(prefix, $"{structures}, each crystal alone (a batch of one on one torch thread, {threads} side by side, as TensorNetExpert), float32, {on}", crystals.Count, atoms))
                    yield return r;
                string budget = $"batches of at most {TensorNetPotential.DefaultPairBudget} pairs";
                foreach (var r in batched.Results($"tensornet.features.float32.batched.threads{threads}", $"{structures}, {budget}, float32, {on}", crystals.Count, atoms))
                    yield return r;
                foreach (var r in batched64.Results($"tensornet.features.float64.batched.threads{threads}", $"{structures}, {budget}, float64, {on}", crystals.Count, atoms))
                    yield return r;
                if (threads == 1)
                    foreach (var r in Profile(single, crystals, repeats, prefix, $"{structures}, each crystal alone, float32, {on}", alone))
                        yield return r;

                if (context.MatGL is not { } matgl) continue;
                var compare = threads == ThreadCounts[0] ? single.FeaturesEachAlone(crystals.Take(Checked).ToList(), 1).ToList() : null;
                var run = matgl.Features(crystals.Count, threads, repeats, compare);
                var reference = run.Timing;
                string matglPairs = run.Text("pairs");
                if (matglPairs != pairs.ToString(CultureInfo.InvariantCulture))
                    problems.Add($"MatGL's graphs have {matglPairs} pairs, ours {pairs}");
                string described = string.Create(CultureInfo.InvariantCulture,
                    $"MatGL's code (bench/reference/matgl_features.py: Structure2Graph + Potential forward, node_feat mean), {structures}, " +
                    $"one structure at a time, float32, torch.no_grad, {run.Text("threads")} torch thread(s); torch {run.Text("torch")}, " +
                    $"torch_geometric {run.Text("torch_geometric")}, matgl from {matgl.MatGLSource}; MatGL counts {matglPairs} pairs; " +
                    $"median {run.MedianGraphSeconds:F3} s in Structure2Graph, {run.MedianModelSeconds:F3} s in the potential");
                string matglPrefix = $"tensornet.features.matgl.threads{threads}";
                foreach (var r in reference.Results(matglPrefix, described, crystals.Count, atoms)) yield return r;
                yield return new BenchResult($"{matglPrefix}.graph_seconds", run.MedianGraphSeconds, "s", described);
                yield return new BenchResult($"{matglPrefix}.model_seconds", run.MedianModelSeconds, "s", described);
                if (run.MaxAbsDiff is { } difference)
                {
                    yield return new BenchResult("tensornet.features.matgl.max_abs_diff", difference, "",
                        $"largest |MatGL - MoePS| over the 128 float32 features of the first {Checked} structures (each alone on both sides); " +
                        $"above {SameFeatures:G} the benchmark fails");
                    if (!(difference <= SameFeatures))
                        problems.Add($"MatGL's features differ from ours by up to {difference:G3} (more than {SameFeatures:G})");
                }
                if (threads == ThreadCounts[0])
                    yield return TimedPasses.Ratio("tensornet.features.speedup_vs_matgl", reference, alone,
                        $"MatGL / MoePS, each structure alone on both sides, {on}");
                yield return TimedPasses.Ratio($"tensornet.features.speedup_vs_matgl.threads{threads}", reference, alone,
                    $"MatGL / MoePS, each structure alone on both sides, {on}");
                yield return TimedPasses.Ratio($"tensornet.features.speedup_vs_matgl.batched.threads{threads}", reference, batched,
                    $"MatGL one structure at a time / MoePS in {budget}, float32, {on}");
                yield return TimedPasses.CpuRatio($"tensornet.features.speedup_vs_matgl.cpu.threads{threads}", reference, alone,
                    $"MatGL / MoePS, each structure alone on both sides, {on}");
            }
        }
        finally
        {
            set_num_threads(threadsBefore);
        }
        if (problems.Count > 0) throw new InvalidOperationException("The two sides do not compute the same thing: " + string.Join("; ", problems));
    }

    /// <summary>
    /// Each crystal alone, in three parts timed separately: the pair search (CellListNeighbourSearch), the pair search
    /// plus the batch's tensors (TensorNetBatch), and the network on batches built beforehand.
    /// </summary>
    static IEnumerable<BenchResult> Profile(TensorNetPotential potential, IReadOnlyList<Crystal> crystals, int repeats, string prefix, string details,
        TimedPasses whole)
    {
        var search = TimedPasses.Measure(repeats, () => { foreach (var c in crystals) potential.PairsOf(c); });
        var build = TimedPasses.Measure(repeats, () => { foreach (var c in crystals) potential.Batch(new[] { c }).Dispose(); });
        var batches = crystals.Select(c => potential.Batch(new[] { c })).ToList();
        TimedPasses network;
        try
        {
            network = TimedPasses.Measure(repeats, () => { foreach (var b in batches) potential.CrystalFeatures(b).Dispose(); });
        }
        finally
        {
            foreach (var b in batches) b.Dispose();
        }
        string shares = string.Create(CultureInfo.InvariantCulture,
            $"of the whole ({whole.Median:F3} s median): pair search {search.Median:F3} s ({100 * search.Median / whole.Median:F1} %), " +
            $"batch tensors {build.Median - search.Median:F3} s, network {network.Median:F3} s ({100 * network.Median / whole.Median:F1} %)");
        yield return new BenchResult($"{prefix}.pair_search_seconds", search.Median, "s", $"{details}; pair search only; {search.Describe()}; {shares}");
        yield return new BenchResult($"{prefix}.batch_seconds", build.Median, "s", $"{details}; pair search + TensorNetBatch.Build; {build.Describe()}; {shares}");
        yield return new BenchResult($"{prefix}.network_seconds", network.Median, "s", $"{details}; network on prebuilt batches; {network.Describe()}; {shares}");
    }
}
