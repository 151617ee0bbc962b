using MoePS.Engine.Crystals;

namespace MoePS.Bench;

/// <summary>
/// Reading a paper task file: expt_eform.json.gz (1,709 structures, gzip-compressed Matminer JSON)
/// into a dataset. A number to watch, not a test: the reader's tests check what it reads.
/// </summary>
public sealed class DatasetReadBenchmark : IBenchmark
{
    const int Repeats = 5;

    public string Name => "datasets";

    public IEnumerable<BenchResult> Run(BenchContext context)
    {
        string path = context.PathOf("tasks", "expt_eform.json.gz");
        int structures = MatminerDatasetReader.Read(path).Dataset.Count; // warm-up (JIT)
        double seconds = BenchContext.BestOf(Repeats, () => MatminerDatasetReader.Read(path));
        string details = $"{Path.GetFileName(path)}: {structures} structures in {seconds * 1000:F0} ms (best of {Repeats})";
        yield return new BenchResult("datasets.read.structures_per_s", structures / seconds, "structures/s", details);
        yield return new BenchResult("datasets.read.seconds", seconds, "s", details);
    }
}
