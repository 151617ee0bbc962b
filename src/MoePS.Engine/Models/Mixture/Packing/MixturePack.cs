using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;
using MoePS.Engine.Models.Experts;
using MoePS.Engine.Runtime;
using MoePS.Engine.Training;
using MoePS.Engine.Training.Packing;

namespace MoePS.Engine.Models.Mixture.Packing;

/// <summary>
/// Several runs of one mixture shape on one dataset, each with its own split and options (the seeds of a benchmark's TL
/// or MoE runs on a task), trained as one pack (<see cref="PackedTrainer"/>). <see cref="Prepare"/> builds the crystal
/// graphs and the frozen features once for all runs (<see cref="SharedFrozenFeatures"/>) and a copy of the model per
/// run; <see cref="Train"/> trains each copy exactly as <see cref="MixtureTraining.Train"/> would train it alone — its own
/// split, head initialisation from its seed, label normaliser, batches, frozen BatchNorm statistics (Adapt: re-estimated
/// on its training rows; Batch: its batches'), early stop and best weights — with the runs' learnable parameters
/// stacked and stepped together.
/// </summary>
public sealed class MixturePack : IDisposable
{
    /// <summary>
    /// Floats that the edge-level tensors of one backward pass may hold ([atoms × neighbours, active extractors × 2F] of the
    /// CGCNN extractors, [pairs, units × 10] of a fine-tuned TensorNet block), 128 MB: runs whose steps together stay under it
    /// share a backward pass, larger ones (MoE-18 on large batches, any fine-tuned TensorNet block) take one each.
    /// </summary>
    const long EdgeFloatsPerBackward = 1L << 25;

    readonly List<MixtureModel> models;
    readonly IReadOnlyList<CrystalDataset> datasets;
    readonly IReadOnlyList<TrainingOptions> options;
    readonly SharedFrozenFeatures frozen;
    readonly IReadOnlyList<PackedRun> runs;
    readonly int runsPerBackward;
    bool handedOver;

    MixturePack(List<MixtureModel> models, IReadOnlyList<CrystalDataset> datasets, IReadOnlyList<TrainingOptions> options,
        SharedFrozenFeatures frozen, ComputeDevice device, int runsPerBackward)
    {
        this.models = models;
        this.datasets = datasets;
        this.options = options;
        this.frozen = frozen;
        this.runsPerBackward = runsPerBackward;
        var labels = datasets[0].Entries.Select(e => e.Target).ToArray();
        runs = models.Select((m, r) => new PackedRun(StartedTarget(m, frozen.For(r), labels, datasets[r].Split!, device), labels, datasets[r].Split!, options[r])).ToList();
    }

    /// <summary>A run's training target, its gate started as <see cref="MixtureTraining.Train"/> starts it.</summary>
    static MixtureTrainingTarget StartedTarget(MixtureModel model, FrozenFeatures frozen, double[] labels, DatasetSplit split, ComputeDevice device)
    {
        var target = new MixtureTrainingTarget(model, frozen, device);
        if (!model.IsTrained) target.StartGate(labels, split);
        return target;
    }

    /// <summary>Why mixtures of this shape cannot train in a pack, or null when they can.</summary>
    /// <param name="options">The mixture's options.</param>
    /// <param name="extractorCount">How many extractors it has.</param>
    public static string? WhyNotPackable(MixtureOptions options, int extractorCount)
    {
        ArgumentNullException.ThrowIfNull(options);
        // An inactive extractor's head gets no gradient: torch's Adam skips it (and does not count the step), while a
        // stacked Adam steps every parameter of a run together.
        if (options.Aggregation.IsEnsemble() && options.TopKOf(extractorCount) < extractorCount)
            return $"An {options.Aggregation} mixture with TopK {options.TopK} < {extractorCount} leaves heads without gradients; it trains unpacked.";
        return null;
    }

    /// <summary>
    /// Readies a copy of <paramref name="model"/> for each run (the argument is left as it was): run r will train on
    /// <paramref name="datasets"/>[r] — the same crystals and labels, split its own way — with <paramref name="options"/>[r];
    /// an untrained model's head is drawn from that run's seed.
    /// </summary>
    /// <param name="model">The mixture shape (and, when trained, the starting weights).</param>
    /// <param name="datasets">One per run: the same dataset with the run's split.</param>
    /// <param name="options">One per run: Adam, no checkpoints (see <see cref="PackedTrainer.WhyNotPackable"/>).</param>
    /// <param name="device">Where to train.</param>
    /// <param name="cache">Crystal-graph cache, or null.</param>
    /// <param name="cancellation">Stops building the graphs.</param>
    public static MixturePack Prepare(MixtureModel model, IReadOnlyList<CrystalDataset> datasets, IReadOnlyList<TrainingOptions> options,
        ComputeDevice device, GraphCache? cache = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        CheckRuns(datasets, options);
        if (WhyNotPackable(model.Options, model.Extractors.Count) is { } why) throw new ArgumentException(why, nameof(model));
        if (options.Select(PackedTrainer.WhyNotPackable).FirstOrDefault(w => w != null) is { } optionsWhy) throw new ArgumentException(optionsWhy, nameof(options));
        TorchRuntime.EnsureLoaded();
        var crystals = datasets[0].Entries.Select(e => e.Crystal).ToList();
        foreach (var c in crystals) model.CheckSupports(c);
        var inputs = new CrystalInputs(crystals, cache, cancellation: cancellation);

        var models = new List<MixtureModel>();
        try
        {
            for (int r = 0; r < datasets.Count; r++)
            {
                models.Add(MixtureTraining.CopyToTrain(model, options[r].Seed));
                models[r].MoveTo(device);
            }
            var adaptations = datasets.Select((d, r) => new BatchNormAdaptation(d.Split!.Train, options[r].EffectiveBatchSize(d.Split.Train.Length))).ToList();
            var frozen = SharedFrozenFeatures.Compute(models, inputs, device, adaptations);
            return new MixturePack(models, datasets, options, frozen, device, RunsPerBackward(model, crystals, datasets, options, frozen.For(0)));
        }
        catch
        {
            foreach (var m in models) m.Dispose();
            throw;
        }
    }

    /// <summary>The number of runs.</summary>
    public int Count => models.Count;

    /// <summary>
    /// Trains every run (once); each model ends with its best weights and its <see cref="MixtureModel.Training"/> result.
    /// </summary>
    /// <param name="progress">One report per epoch of the pack (see <see cref="PackedTrainer.Fit"/>).</param>
    /// <param name="finished">Called with a run's index and trained model as soon as that run ends (also when cancelled); the pack goes on with the others.</param>
    /// <param name="cancellation">Stops every run still training; each keeps its best weights so far, marked cancelled.</param>
    /// <returns>The trained models, in run order; from now on the caller owns (and disposes) them.</returns>
    public IReadOnlyList<MixtureModel> Train(IProgress<EpochReport>? progress = null, Action<int, MixtureModel>? finished = null,
        CancellationToken cancellation = default)
    {
        ObjectDisposedException.ThrowIf(handedOver, this);
        PackedTrainer.Fit(runs, runsPerBackward, progress, (r, result) =>
        {
            MixtureTraining.Record(models[r], datasets[r], result);
            finished?.Invoke(r, models[r]);
        }, cancellation);
        handedOver = true;
        return models;
    }

    static void CheckRuns(IReadOnlyList<CrystalDataset> datasets, IReadOnlyList<TrainingOptions> options)
    {
        ArgumentNullException.ThrowIfNull(datasets);
        ArgumentNullException.ThrowIfNull(options);
        if (datasets.Count == 0 || datasets.Count != options.Count)
            throw new ArgumentException($"A pack needs one dataset and one set of options per run; got {datasets.Count} and {options.Count}.", nameof(options));
        var first = datasets[0];
        foreach (var d in datasets)
        {
            if (d.Split == null)
                throw new ArgumentException($"Dataset '{d.Name}' has no train/validation/test split; use Split-CrystalDataset first.", nameof(datasets));
            if (!ReferenceEquals(d.Entries, first.Entries)
                && !d.Entries.Select(e => (e.Crystal.Id, e.Target)).SequenceEqual(first.Entries.Select(e => (e.Crystal.Id, e.Target))))
                throw new ArgumentException($"The runs of a pack train on one dataset; '{d.Name}' has other crystals or labels than '{first.Name}'.", nameof(datasets));
        }
    }

    /// <summary>
    /// How many runs fit in one backward pass under <see cref="EdgeFloatsPerBackward"/>, by the largest batch's mean number of
    /// atoms (the CGCNN extractors' edge tensors) and of pairs (a fine-tuned TensorNet block's); a mixture of frozen experts
    /// alone has neither and packs every run.
    /// </summary>
    static int RunsPerBackward(MixtureModel model, IReadOnlyList<Crystal> crystals, IReadOnlyList<CrystalDataset> datasets,
        IReadOnlyList<TrainingOptions> options, FrozenFeatures frozen)
    {
        double atomsPerCrystal = crystals.Average(c => (double)c.AtomCount);
        int batch = datasets.Select((d, r) => options[r].EffectiveBatchSize(d.Split!.Train.Length)).Max();
        long channels = 2L * model.TopK * model.Extractors.Max(e => e.FeatureLength);
        double edgeFloats = atomsPerCrystal * batch * (model.GraphSettings?.MaxNeighbours ?? 0) * channels;
        foreach (var inputs in frozen.PerFrozenExpert.Select(e => e.BlockInputs).OfType<TunableBlockInputs>())
            edgeFloats += inputs.StepFloatsPerCrystal * batch;
        if (edgeFloats == 0) return datasets.Count;
        return (int)Math.Clamp(EdgeFloatsPerBackward / edgeFloats, 1, datasets.Count);
    }

    /// <summary>Frees the shared features, and the models unless <see cref="Train"/> has handed them over.</summary>
    public void Dispose()
    {
        foreach (var run in runs) ((IDisposable)run.Target).Dispose();
        frozen.Dispose();
        if (!handedOver) foreach (var m in models) m.Dispose();
        handedOver = true;
    }
}
