using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;
using MoePS.Engine.Models;
using MoePS.Engine.Runtime;
using MoePS.Engine.Training;
using MoePS.Engine.Models.Extractors;

namespace MoePS.Engine.Tests.Training;

/// <summary>
/// The small real task the CGCNN training tests use: jarvis_2d_gap_tbmbj (120 rows) with the paper's
/// seed-0 split (84/18/18), CGCNN's element table, and a graph cache in a temporary folder.
/// </summary>
public sealed class PretrainingTask : IDisposable
{
    readonly string cacheFolder = Directory.CreateTempSubdirectory("moeps-graphs-").FullName;

    public PretrainingTask()
    {
        var (dataset, _) = MatminerDatasetReader.Read(TestData.PathOf("tasks", "jarvis_2d_gap_tbmbj.json.gz"));
        Dataset = dataset.WithSplit(SplitFile.Read(TestData.PathOf("splits", "seed0.json"), dataset.Name));
        Elements = ElementFeatures.Load(TestData.PathOf(ElementFeatures.DefaultFileName));
        Cache = new GraphCache(cacheFolder);
    }

    public CrystalDataset Dataset { get; }
    public ElementFeatures Elements { get; }
    public GraphCache Cache { get; }
    public static ComputeDevice Cpu => ComputeDevice.Parse("cpu");

    public Extractor Train(TrainingOptions options, IProgress<EpochReport>? progress = null, CancellationToken cancellation = default) =>
        ExtractorPretraining.Train(Dataset, options, device: Cpu, progress: progress, cancellation: cancellation,
            elements: Elements, graphCache: Cache);

    /// <summary>Every tensor of the extractor's network (parameters and BatchNorm buffers) as raw values.</summary>
    public static Dictionary<string, float[]> Weights(Extractor extractor) =>
        extractor.Model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.to(TorchSharp.torch.ScalarType.Float32).data<float>().ToArray());

    public void Dispose() => Directory.Delete(cacheFolder, recursive: true);
}
