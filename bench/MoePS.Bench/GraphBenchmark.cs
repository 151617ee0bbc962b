using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;

namespace MoePS.Bench;

/// <summary>
/// Graph-building throughput on expt_eform (1,709 structures, 22,719 atoms): one thread,
/// all cores, and re-loading from the on-disk cache; with --reference, the paper's graph construction
/// (pymatgen get_all_neighbors, one thread) on the same structures, best of as many runs as the epoch timing's repeats.
/// </summary>
public sealed class GraphBenchmark : IBenchmark
{
    const int Repeats = 5;

    public string Name => "graphs";

    const string Task = "expt_eform";

    public IEnumerable<BenchResult> Run(BenchContext context)
    {
        var crystals = context.LoadTask(Task).Entries.Select(e => e.Crystal).ToList();
        long atoms = crystals.Sum(c => (long)c.AtomCount);
        int cores = Environment.ProcessorCount;
        var settings = GraphSettings.Default;
        BenchContext.Log($"  {Task}: {crystals.Count} structures, {atoms} atoms, {cores} cores");
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
            string load = MachineState.LoadAverages();
            foreach (var (label, seconds) in timings)
            {
                double atomsPerSecond = atoms / seconds;
                string details = $"{Task} {crystals.Count} structures / {atoms} atoms in {seconds * 1000:F1} ms (best of {Repeats}); "
                    + $"{(label == "single_thread" ? 1 : cores)} thread(s); load average {load}";
                yield return new BenchResult($"graphs.{label}.atoms_per_s", atomsPerSecond, "atoms/s", details);
                yield return new BenchResult($"graphs.{label}.structures_per_s", crystals.Count / seconds, "structures/s", details);
            }
            yield return new BenchResult("graphs.all_cores.speedup", timings[0].Seconds / timings[1].Seconds, "x",
                $"single-thread time / all-cores time on {cores} cores");
            if (context.PaperCode is not { } code) yield break;
            string loadBefore = MachineState.LoadAverages();
            double paper = Enumerable.Range(0, context.Timing.Repeats).Min(_ => code.GraphSeconds(Task));
            string paperDetails = $"the paper's pre_extract_structure_graphs (pymatgen, one thread) on {Task}: {paper:F2} s, best of {context.Timing.Repeats}; " +
                $"load average {loadBefore} -> {MachineState.LoadAverages()}";
            yield return new BenchResult("graphs.paper_code.atoms_per_s", atoms / paper, "atoms/s", paperDetails);
            yield return new BenchResult("graphs.single_thread.speedup_vs_paper_code", paper / timings[0].Seconds, "x",
                $"{paperDetails}; MoePS one thread {timings[0].Seconds * 1000:F1} ms");
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}
