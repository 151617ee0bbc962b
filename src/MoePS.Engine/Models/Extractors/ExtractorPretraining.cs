using System.Globalization;
using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;
using MoePS.Engine.Models;
using MoePS.Engine.Runtime;
using TorchSharp;
using MoePS.Engine.Training;

namespace MoePS.Engine.Models.Extractors;

/// <summary>
/// Trains a fresh CGCNN extractor on a split dataset — single-task learning (the benchmark's STL) and
/// pre-training of new extractors. Graphs come through the on-disk <see cref="GraphCache"/> and become
/// tensors on the device once; the <see cref="Trainer"/> then reuses them every epoch.
/// </summary>
public static class ExtractorPretraining
{
    /// <param name="dataset">A dataset with a split; train and validation rows need known targets.</param>
    /// <param name="options">The run's settings (paper defaults in <see cref="TrainingOptions"/>); Seed also seeds the initial weights.</param>
    /// <param name="architecture">Network sizes; null = the paper's CGCNN.</param>
    /// <param name="device">Where to train; null = <see cref="ComputeDevice.Default"/>. The returned extractor's weights are on the CPU.</param>
    /// <param name="name">The extractor's name; null = "&lt;dataset&gt;-stl-seed&lt;N&gt;".</param>
    /// <param name="progress">One report per finished epoch, from the training thread.</param>
    /// <param name="elements">Element table; null = CGCNN's atom_init.json from the data folders.</param>
    /// <param name="graphCache">Graph cache; null = the user cache's.</param>
    /// <param name="cancellation">Stops at the next batch; the best weights so far are returned.</param>
    /// <returns>The trained extractor, with the run (history, MAEs, device) in <see cref="Extractor.Training"/>.</returns>
    public static Extractor Train(CrystalDataset dataset, TrainingOptions options, CgcnnArchitecture? architecture = null,
        ComputeDevice? device = null, string? name = null, IProgress<EpochReport>? progress = null,
        ElementFeatures? elements = null, GraphCache? graphCache = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(options);
        var split = RequireSplit(dataset);
        options.Validate();
        architecture ??= CgcnnArchitecture.Default;
        device ??= ComputeDevice.Default();
        elements ??= ElementFeatures.LoadDefault();
        var settings = GraphSettings.Default;
        if (elements.Length != architecture.AtomInputLength)
            throw new ArgumentException($"The element table has {elements.Length} features per element but the architecture expects {architecture.AtomInputLength}.");

        var crystals = dataset.Entries.Select(e => e.Crystal).ToList();
        foreach (var c in crystals) elements.CheckCovers(c);
        var graphs = GraphBatchBuilder.BuildAll(crystals, settings, cache: graphCache ?? new GraphCache(), cancellationToken: cancellation);

        var model = CgcnnInitialiser.Create(architecture, options.Seed);
        TrainingResult result;
        using (var set = GraphTensorSet.FromGraphs(graphs, crystals.Select(c => c.Id).ToList(), settings, elements, device.ToTorch()))
        {
            var target = new CgcnnTrainingTarget(model, set);
            result = Trainer.Fit(target, dataset.Entries.Select(e => e.Target).ToArray(), crystals, split, options, progress, cancellation);
        }
        model.to(torch.CPU);
        model.eval();

        var task = new SourceTask(dataset.Name, $"{dataset.TargetName} ({dataset.Name})", dataset.Count, dataset.Unit);
        var metrics = new ExtractorMetrics(result.ValidationMae, result.TrainMae, result.TestMae, result.BestEpoch,
            $"MoePS training, split {split.Origin}");
        var provenance = new ExtractorProvenance("trained by MoePS",
            Notes: $"CGCNN trained from scratch on {dataset.Name} ({split}) on {result.Device}; {result}",
            TrainingArgs: Describe(options, result, architecture));
        return new Extractor(name ?? $"{dataset.Name}-stl-seed{options.Seed}", model, elements, settings, result.Normaliser,
            task, metrics, provenance) { Training = result };
    }

    /// <summary>The dataset's split, or an <see cref="ArgumentException"/> saying how to make one.</summary>
    public static DatasetSplit RequireSplit(CrystalDataset dataset) => dataset.Split ?? throw new ArgumentException(
        $"Dataset '{dataset.Name}' has no train/validation/test split. Split it first, e.g. " +
        "'| Split-CrystalDataset -Seed 0' or '| Split-CrystalDataset -SplitFile <data>/splits/seed0.json'.", nameof(dataset));

    /// <summary>The run's settings as text, kept in the extractor's provenance (and its exported bundle).</summary>
    static Dictionary<string, string> Describe(TrainingOptions o, TrainingResult r, CgcnnArchitecture a)
    {
        static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
        return new Dictionary<string, string>
        {
            ["epochs"] = I(o.Epochs),
            ["patience"] = I(o.Patience),
            ["batch_size"] = I(o.BatchSize),
            ["learning_rate"] = F(o.LearningRate),
            ["optimizer"] = o.Optimizer.ToString(),
            ["momentum"] = F(o.Momentum),
            ["weight_decay"] = F(o.WeightDecay),
            ["seed"] = I(o.Seed),
            ["weighted_sampling"] = o.WeightedSampling ? $"true ({I(o.Bins)} bins)" : "false",
            ["lr_schedule"] = $"cosine annealing, T_max {I(o.Epochs)}, eta_min {F(o.MinimumLearningRate)}",
            ["atom_fea_len"] = I(a.AtomFeatureLength),
            ["n_conv"] = I(a.ConvCount),
            ["h_fea_len"] = I(a.HiddenLength),
            ["n_h"] = I(a.HiddenLayers),
            ["device"] = r.Device,
            ["epochs_run"] = I(r.EpochsRun),
            ["best_epoch"] = I(r.BestEpoch),
        };
    }
}
