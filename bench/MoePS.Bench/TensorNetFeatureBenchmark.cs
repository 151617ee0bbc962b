using MoePS.Engine.Crystals;
using MoePS.Engine.Models.TensorNet;
using static TorchSharp.torch;

namespace MoePS.Bench;

/// <summary>
/// TensorNet featurisation throughput on the CPU: the 128-number crystal feature (mean of node_feat) of the first 500
/// structures of jarvis_2d_exfoliation, from crystals (pair search included), in float32 and float64.
/// </summary>
public sealed class TensorNetFeatureBenchmark : IBenchmark
{
    const int Structures = 500;
    const int Repeats = 2;

    public string Name => "tensornet.features";

    public IEnumerable<BenchResult> Run(BenchContext context)
    {
        var crystals = DatasetFile.Read(context.PathOf("tasks", "jarvis_2d_exfoliation.json.gz")).Dataset.Entries
            .Take(Structures).Select(e => e.Crystal).ToList();
        int atoms = crystals.Sum(c => c.AtomCount);
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.Float64 })
        {
            using var potential = TensorNetPotential.Load(context.PathOf(TensorNetPotential.RelativePath), dtype);
            long pairs = crystals.Sum(c => (long)potential.PairsOf(c).Count);
            potential.CrystalFeatures(crystals.Take(8).ToList()).Dispose(); // warm-up
            double seconds = BenchContext.BestOf(Repeats, () => potential.CrystalFeatures(crystals).Dispose());
            string name = dtype == ScalarType.Float32 ? "float32" : "float64";
            string details = $"jarvis_2d_exfoliation first {crystals.Count} structures ({atoms} atoms, {pairs} pairs within {potential.Architecture.Cutoff} Å), " +
                             $"batches of at most {TensorNetPotential.DefaultPairBudget} pairs, {name}, {get_num_threads()} torch threads, " +
                             $"{Environment.ProcessorCount} cores, load average {MachineState.LoadAverages()}, best of {Repeats}: {seconds:F2} s";
            yield return new BenchResult($"tensornet.features.{name}.structures_per_s", crystals.Count / seconds, "structures/s", details);
            yield return new BenchResult($"tensornet.features.{name}.atoms_per_s", atoms / seconds, "atoms/s", details);
        }
    }
}
