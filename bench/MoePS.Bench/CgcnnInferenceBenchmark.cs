using MoePS.Engine.Graphs;
using MoePS.Engine.Models;
using MoePS.Engine.Runtime;
using MoePS.Engine.Models.Formats;
using MoePS.Engine.Models.Extractors;

namespace MoePS.Bench;

/// <summary>
/// Inference throughput of one pre-trained extractor (mp_eform) on expt_eform's 1,709 structures on the
/// CPU: the network alone on ready graphs (collation to tensors + forward), and end to end from crystals
/// (graph building included, no cache).
/// </summary>
public sealed class CgcnnInferenceBenchmark : IBenchmark
{
    const int Repeats = 3;

    public string Name => "cgcnn.inference";

    public IEnumerable<BenchResult> Run(BenchContext context)
    {
        using var data = new CgcnnBenchData(context, "expt_eform");
        using var extractor = ExtractorFiles.Import(context.PathOf("extractors", "mp_eform.safetensors"));
        var cpu = CgcnnBenchData.Cpu;
        var crystals = data.Dataset.Entries.Select(e => e.Crystal).ToList();
        var ids = crystals.Select(c => c.Id).ToList();
        var graphs = GraphBatchBuilder.BuildAll(crystals, extractor.GraphSettings);
        extractor.Predict(graphs.Take(16).ToList(), ids.Take(16).ToList(), cpu); // warm-up

        double network = BenchContext.BestOf(Repeats, () => extractor.Predict(graphs, ids, cpu));
        var inputs = crystals.Select(c => new PredictionInput(c, null)).ToList();
        double endToEnd = BenchContext.BestOf(Repeats, () => PropertyPredictor.Predict(new IPropertyModel[] { extractor }, inputs, cpu));
        string details = $"{data.Describe()}; mp_eform on all {crystals.Count} structures, eval batches of {Extractor.EvaluationBatchSize}, best of {Repeats}";
        yield return new BenchResult("cgcnn.inference.network.structures_per_s", crystals.Count / network, "structures/s",
            $"{details}; graphs ready: tensors + forward in {network:F2} s");
        yield return new BenchResult("cgcnn.inference.end_to_end.structures_per_s", crystals.Count / endToEnd, "structures/s",
            $"{details}; from crystals, graph building included: {endToEnd:F2} s");
    }
}
