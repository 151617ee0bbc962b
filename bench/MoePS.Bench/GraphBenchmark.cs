using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;

namespace MoePS.Bench;

/// <summary>
/// Graph-building throughput on expt_eform (1,709 structures, 22,719 atoms): one thread,
/// all cores, and re-loading from the on-disk cache. Reference: the paper's code (pymatgen
/// get_all_neighbors) builds about 1,200 atoms/s on the 2-core development machine.
/// </summary>
public sealed class GraphBenchmark : IBenchmark
{
    const double PymatgenAtomsPerSecond = 1200;
    const int Repeats = 5;

    public string Name => "graphs";

    public IEnumerable<BenchResult> Run(BenchContext context)
    {
        var crystals = context.LoadTask("expt_eform").Entries.Select(e => e.Crystal).ToList();
        long atoms = crystals.Sum(c => (long)c.AtomCount);
        int cores = Environment.ProcessorCount;
        var settings = GraphSettings.Default;
        BenchContext.Log($"  expt_eform: {crystals.Count} structures, {atoms} atoms, {cores} cores");
        GraphBatchBuilder.BuildAll(crystals, settings, 1); // warm-up (JIT)

        string folder = Path.Combine(Path.GetTempPath(), "moeps-bench-graphs-" + Guid.NewGuid().ToString("N"));
        try
        {
            var cache = new GraphCache(folder);
            GraphBatchBuilder.BuildAll(crystals, settings, cores, cache); // fill the cache
            var timings = new (string Label, double Seconds)[]
            {
                ("single_thread", BenchContext.BestOf(Repeats, () => GraphBatchBuilder.BuildAll(crystals, settings, 1))),
                ("all_cores", BenchContext.BestOf(Repeats, () => GraphBatchBuilder.BuildAll(crystals, settings, cores))),
                ("cached_reload", BenchContext.BestOf(Repeats, () => GraphBatchBuilder.BuildAll(crystals, settings, cores, cache))),
            };
            foreach (var (label, seconds) in timings)
            {
                double atomsPerSecond = atoms / seconds;
                string details = $"expt_eform {crystals.Count} structures / {atoms} atoms in {seconds * 1000:F1} ms (best of {Repeats}); "
                    + $"{(label == "single_thread" ? 1 : cores)} thread(s); {atomsPerSecond / PymatgenAtomsPerSecond:F0}x pymatgen's ~1,200 atoms/s";
                yield return new BenchResult($"graphs.{label}.atoms_per_s", atomsPerSecond, "atoms/s", details);
                yield return new BenchResult($"graphs.{label}.structures_per_s", crystals.Count / seconds, "structures/s", details);
            }
            yield return new BenchResult("graphs.all_cores.speedup", timings[0].Seconds / timings[1].Seconds, "x",
                $"single-thread time / all-cores time on {cores} cores");
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}
