using MoePS.Engine.Training;
using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;
using MoePS.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;
using MoePS.Engine.Models.Experts;

namespace MoePS.Engine.Models.Extractors;

/// <summary>
/// A CGCNN with everything needed to use it alone: its element-feature table, graph settings,
/// label normaliser, source task, metrics and provenance. Its feature for a crystal is
/// Softplus(mean over atoms after the last conv).
/// </summary>
public sealed class Extractor : IPropertyModel, IExpert, IDisposable
{
    /// <summary>Crystals per forward pass when predicting or extracting features.</summary>
    public const int EvaluationBatchSize = 256;

    readonly object sync = new();
    string deviceName = "cpu";

    public Extractor(string name, Cgcnn model, ElementFeatures elements, GraphSettings graphSettings, Normaliser normaliser,
        SourceTask sourceTask, ExtractorMetrics metrics, ExtractorProvenance provenance)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("An extractor needs a name.");
        var arch = model.Architecture;
        if (elements.Length != arch.AtomInputLength)
            throw new ArgumentException($"Extractor '{name}': the element table has {elements.Length} features per element but the network expects {arch.AtomInputLength}.");
        if (graphSettings.EdgeFeatureLength != arch.EdgeFeatureLength)
            throw new ArgumentException($"Extractor '{name}': the graph settings give {graphSettings.EdgeFeatureLength} edge features but the network expects {arch.EdgeFeatureLength}.");
        Name = name;
        Model = model;
        Elements = elements;
        GraphSettings = graphSettings;
        Normaliser = normaliser;
        SourceTask = sourceTask;
        Metrics = metrics;
        Provenance = provenance;
    }

    public string Name { get; }
    public string Kind => "CGCNN";
    public string Description => SourceTask.Description;
    public Cgcnn Model { get; }
    public CgcnnArchitecture Architecture => Model.Architecture;
    public ElementFeatures Elements { get; }
    public GraphSettings GraphSettings { get; }
    public Normaliser Normaliser { get; }
    public SourceTask SourceTask { get; }
    public ExtractorMetrics Metrics { get; }
    public ExtractorProvenance Provenance { get; }

    /// <summary>The run that trained this extractor in this session (history, MAEs, device), or null for loaded ones.</summary>
    public TrainingResult? Training { get; init; }

    public int? TrainedOn => SourceTask.Rows;
    public double? ValMae => Metrics.ValidationMae;
    public string? Unit => SourceTask.Unit;
    public string PropertyName => SourceTask.Description;
    /// <summary>Length of the crystal feature (atom_fea_len, 64 for the paper's extractors).</summary>
    public int FeatureLength => Architecture.AtomFeatureLength;

    /// <summary>
    /// The original file's SHA-256 with the name; an extractor made in this session (trained, cloned) gets a key of its own,
    /// as nothing on disk can hold its features.
    /// </summary>
    public string CacheKey => cacheKey ??= $"cgcnn-{Name}-{Provenance.OriginalSha256 ?? "session-" + Guid.NewGuid().ToString("N")}";
    string? cacheKey;

    /// <summary>The device the network's weights are on now.</summary>
    public string DeviceName => deviceName;

    /// <summary>Moves the network to <paramref name="device"/> (no-op when already there).</summary>
    public void MoveTo(ComputeDevice device)
    {
        TorchRuntime.EnsureLoaded();
        lock (sync)
        {
            if (deviceName == device.Name) return;
            Model.to(device.ToTorch());
            deviceName = device.Name;
        }
    }

    public void CheckSupports(Crystal crystal) => Elements.CheckCovers(crystal);

    /// <summary>The graph tensors of these crystals for this extractor (its element table and graph settings).</summary>
    public GraphTensorSet GraphTensors(IReadOnlyList<CrystalGraph> graphs, IReadOnlyList<string> crystalIds, ComputeDevice device)
    {
        TorchRuntime.EnsureLoaded();
        return GraphTensorSet.FromGraphs(graphs, crystalIds, GraphSettings, Elements, device.ToTorch());
    }

    /// <summary>Eval-mode outputs for every crystal of <paramref name="set"/>, which must be on <paramref name="device"/>.</summary>
    public ExtractorOutput Evaluate(GraphTensorSet set, ComputeDevice device)
    {
        MoveTo(device);
        int n = set.CrystalCount;
        var raw = new double[n];
        var features = new float[n][];
        int f = FeatureLength;
        lock (sync)
        {
            Inference.InChunks(Model, Enumerable.Range(0, n).ToArray(), EvaluationBatchSize, (rows, start) =>
            {
                var batch = set.Select(rows);
                var feature = Model.CrystalFeature(batch);
                var output = Model.Head(feature).to(float64).cpu().data<double>().ToArray();
                var featureRows = feature.cpu().data<float>().ToArray();
                for (int i = 0; i < rows.Length; i++)
                {
                    raw[start + i] = output[i];
                    features[start + i] = featureRows.AsSpan(i * f, f).ToArray();
                }
            });
        }
        return new ExtractorOutput(raw, raw.Select(Normaliser.Denormalise).ToArray(), features);
    }

    public double[] Predict(CrystalInputs crystals, ComputeDevice device) => Predict(crystals.Graphs(GraphSettings), crystals.Ids, device);

    /// <summary>Denormalised predictions from graphs built with <see cref="GraphSettings"/> (e.g. a reference code's), one per graph.</summary>
    public double[] Predict(IReadOnlyList<CrystalGraph> graphs, IReadOnlyList<string> crystalIds, ComputeDevice device)
    {
        using var set = GraphTensors(graphs, crystalIds, device);
        return Evaluate(set, device).Predictions;
    }

    /// <summary>The crystal features (Softplus of the mean atom features after the last conv), one vector per crystal.</summary>
    public float[][] Features(CrystalInputs crystals, ComputeDevice device) => Features(crystals.Graphs(GraphSettings), crystals.Ids, device);

    /// <summary>The crystal features from graphs built with <see cref="GraphSettings"/>, one vector per graph.</summary>
    public float[][] Features(IReadOnlyList<CrystalGraph> graphs, IReadOnlyList<string> crystalIds, ComputeDevice device)
    {
        using var set = GraphTensors(graphs, crystalIds, device);
        return Evaluate(set, device).Features;
    }

    /// <summary>An independent copy (own weights, on the CPU), e.g. to fine-tune without touching this one.</summary>
    public Extractor Clone(string? name = null, ExtractorMetrics? metrics = null, ExtractorProvenance? provenance = null)
    {
        TorchRuntime.EnsureLoaded();
        var copy = new Cgcnn(Architecture);
        lock (sync)
        {
            using var scope = NewDisposeScope();
            copy.CopyState(Model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.cpu()));
        }
        return new Extractor(name ?? Name, copy, Elements, GraphSettings, Normaliser, SourceTask, metrics ?? Metrics, provenance ?? Provenance);
    }

    public override string ToString() => $"{Name} ({SourceTask.Description})";

    public void Dispose() => Model.Dispose();
}
