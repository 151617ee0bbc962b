using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;
using MoePS.Engine.Runtime;
using MoePS.Engine.Training;
using TorchSharp;
using static TorchSharp.torch;
using MoePS.Engine.Models.Experts;
using MoePS.Engine.Models.Extractors;

namespace MoePS.Engine.Models.Mixture;

/// <summary>
/// A gated mixture of pre-trained extractors with a new head (Chang, Wang &amp; Ertekin 2022).
/// One extractor is pairwise transfer learning (TL). The extractors themselves are never
/// changed: the fine-tuned copies of their last layers live in the mixture. Experts other than
/// CGCNN extractors (e.g. a TensorNet potential) enter through an adapter of their own, frozen or (TensorNet, with
/// <see cref="MixtureOptions.TensorNetLastBlock"/>) with a fine-tuned copy of their last block.
/// </summary>
public sealed class MixtureModel : IPropertyModel, IDisposable
{
    readonly object sync = new();
    string deviceName = "cpu";

    public MixtureModel(IReadOnlyList<IExpert> extractors, MixtureOptions options)
    {
        TorchRuntime.EnsureLoaded();
        Validate(extractors, options);
        Extractors = extractors.ToArray();
        Options = options;
        TopK = options.TopKOf(extractors.Count);
        // The scope frees what building the network made on the way (stacks, casts); the network keeps its own tensors.
        using var scope = NewDisposeScope();
        Network = new MixtureNetwork(Extractors, options, TopK);
        scope.Detach(Network.parameters().Concat(Network.buffers()));
    }

    static void Validate(IReadOnlyList<IExpert> extractors, MixtureOptions options)
    {
        if (extractors.Count == 0) throw new ArgumentException("A mixture needs at least one extractor; none were given.");
        var duplicate = extractors.GroupBy(e => e.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate != null) throw new ArgumentException($"Extractor '{duplicate.Key}' was given more than once.");
        if (!Enum.IsDefined(options.Aggregation))
            throw new ArgumentOutOfRangeException(nameof(options), $"Aggregation {options.Aggregation} is not one of {string.Join(", ", Enum.GetNames<Aggregation>())}.");
        if (options.TopK is int k && options.Aggregation.TopKProblem(k, extractors.Count) is { } topK)
            throw new ArgumentOutOfRangeException(nameof(options), topK);
        var cgcnn = extractors.OfType<Extractor>().ToList();
        int minConvs = cgcnn.Count > 0 ? cgcnn.Min(e => e.Architecture.ConvCount) : int.MaxValue;
        if (options.FineTuneLayers < 0 || options.FineTuneLayers > minConvs)
            throw new ArgumentOutOfRangeException(nameof(options), $"FineTuneLayers must be between 0 and {minConvs} (the fewest convolution layers of these extractors); got {options.FineTuneLayers}.");
        if (options.HeadLayers < 1) throw new ArgumentOutOfRangeException(nameof(options), "HeadLayers must be at least 1.");
        if (options.HiddenSize < 1) throw new ArgumentOutOfRangeException(nameof(options), "HiddenSize must be at least 1.");
        if (options.GateRegularization < 0) throw new ArgumentOutOfRangeException(nameof(options), "GateRegularization must not be negative.");
        if (!Enum.IsDefined(options.FrozenNormalization))
            throw new ArgumentOutOfRangeException(nameof(options), $"FrozenNormalization {options.FrozenNormalization} is not one of {string.Join(", ", Enum.GetNames<FrozenNormalization>())}.");
        // Frozen experts are projected to the CGCNN width by their adapters; the CGCNN features themselves are summed as they are.
        if (options.Aggregation == Aggregation.Add && cgcnn.Select(e => e.FeatureLength).Distinct().Count() > 1)
            throw new ArgumentException(
                "Aggregation Add sums the gated features, so every CGCNN extractor must have the same feature length; these have " +
                string.Join(", ", cgcnn.Select(e => $"{e.Name}={e.FeatureLength}")) + ". Use -Aggregation Concat or Ensemble.");
        if (!Enum.IsDefined(options.TensorNetLastBlock))
            throw new ArgumentOutOfRangeException(nameof(options), $"TensorNetLastBlock {options.TensorNetLastBlock} is not one of {string.Join(", ", Enum.GetNames<TensorNetLastBlock>())}.");
        if (options.TensorNetLastBlock == TensorNetLastBlock.FineTuned && !extractors.Any(e => e is ITunableExpert))
            throw new ArgumentException(
                $"TensorNetLastBlock {TensorNetLastBlock.FineTuned} fine-tunes a TensorNet expert's last block, and none of these experts is one: " +
                string.Join(", ", extractors.Select(e => $"{e.Name} ({e.Kind})")) + ".");
        if (cgcnn.Select(e => e.GraphSettings).Distinct().Count() > 1)
            throw new ArgumentException("All CGCNN extractors of a mixture must build crystal graphs the same way; these differ: " +
                string.Join(", ", cgcnn.Select(e => $"{e.Name}={e.GraphSettings.Key}")));
    }

    /// <summary>The experts in gate order: CGCNN extractors and frozen experts.</summary>
    public IReadOnlyList<IExpert> Extractors { get; }
    public MixtureOptions Options { get; }
    public int TopK { get; }
    public Aggregation Aggregation => Options.Aggregation;
    internal MixtureNetwork Network { get; }

    /// <summary>TL for one extractor, MoE for several (with the aggregation when not Add).</summary>
    public LearningMethod Method => LearningMethods.ForMixture(Extractors.Count, Aggregation);

    public string Name => Extractors.Count == 1
        ? $"TL from {Extractors[0].Name}"
        : $"MoE-{Extractors.Count} (k={TopK}, {Aggregation})";

    internal MixtureFit Fit { get; set; } = MixtureFit.Untrained;
    /// <summary>The label normaliser fitted when trained; identity before.</summary>
    public Normaliser Normaliser => Fit.Normaliser;
    public string PropertyName => Fit.PropertyName;
    public string? Unit => Fit.Unit;
    public bool IsTrained => Fit.IsTrained;
    /// <summary>The dataset it was trained on, once trained.</summary>
    public string? DatasetName => Fit.DatasetName;
    /// <summary>History and MAEs of the training run, once trained.</summary>
    public TrainingResult? Training => Fit.Training;
    public double? TrainMAE => Training?.TrainMae;
    public double? ValMAE => Training?.ValidationMae;
    public double? TestMAE => Training?.TestMae;
    public int? BestEpoch => Training?.BestEpoch;
    /// <summary>The CGCNN extractors' graphs, or null when it has none (only frozen experts).</summary>
    public GraphSettings? GraphSettings => Extractors.OfType<Extractor>().FirstOrDefault()?.GraphSettings;
    public string DeviceName => deviceName;

    /// <summary>
    /// Gate scores G(θ, k) of all extractors (exactly k non-zero, sum 1); for <see cref="Aggregation.PaperConcat"/> the raw
    /// learned scales, which need not be positive nor sum to 1.
    /// </summary>
    public double[] Scores()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var weights = Network.ExtractorWeights(Network.Gate.ActiveIndices());
        return weights.to(float64).cpu().data<double>().ToArray();
    }

    /// <summary>One row per extractor: score, rank (1 = highest) and whether it is in the top k.</summary>
    public IReadOnlyList<ExtractorScore> ExtractorScores()
    {
        var scores = Scores();
        var active = Network.Gate.ActiveIndices().ToHashSet();
        var order = Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).ThenBy(i => i).ToArray();
        var rank = new int[scores.Length];
        for (int r = 0; r < order.Length; r++) rank[order[r]] = r + 1;
        return Enumerable.Range(0, scores.Length)
            .Select(i => new ExtractorScore(Name, Extractors[i].Name, Extractors[i].Description, scores[i], rank[i], active.Contains(i)))
            .ToList();
    }

    public void CheckSupports(Crystal crystal)
    {
        foreach (var e in Extractors) e.CheckSupports(crystal);
    }

    /// <summary>Moves the learnable part to <paramref name="device"/>.</summary>
    public void MoveTo(ComputeDevice device)
    {
        lock (sync)
        {
            if (deviceName == device.Name) return;
            Network.to(device.ToTorch());
            deviceName = device.Name;
        }
    }

    public double[] Predict(CrystalInputs crystals, ComputeDevice device)
    {
        lock (sync)
        {
            MoveTo(device);
            using var scope = NewDisposeScope();
            var active = Network.Gate.ActiveIndices();
            using var frozen = FrozenFeatures.Compute(Extractors, Network, crystals, device, active.ToHashSet());
            return PredictRows(frozen, Enumerable.Range(0, crystals.Count).ToArray(), active);
        }
    }

    /// <summary>Denormalised eval-mode predictions for rows of crystals whose frozen features are at hand.</summary>
    internal double[] PredictRows(FrozenFeatures frozen, int[] rows, int[] active)
    {
        var result = new double[rows.Length];
        Inference.InChunks(Network, rows, Extractor.EvaluationBatchSize, (chunk, start) =>
        {
            using var batch = frozen.Select(chunk);
            var raw = Network.Forward(frozen, batch, active).to(float64).cpu().data<double>().ToArray();
            for (int i = 0; i < chunk.Length; i++) result[start + i] = Normaliser.Denormalise(raw[i]);
        });
        return result;
    }

    /// <summary>
    /// An independent copy: same extractors and options, a copy of this model's learnable state and
    /// what it knows of its training. The extractors are shared (they are never modified).
    /// </summary>
    public MixtureModel Copy()
    {
        var copy = new MixtureModel(Extractors, Options);
        lock (sync)
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var source = Network.state_dict();
            foreach (var (key, value) in copy.Network.state_dict()) value.copy_(source[key].cpu());
        }
        copy.Fit = Fit;
        return copy;
    }

    public override string ToString() => Name;

    public void Dispose() => Network.Dispose();
}
