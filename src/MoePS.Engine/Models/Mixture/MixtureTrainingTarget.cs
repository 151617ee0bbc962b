using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;
using MoePS.Engine.Models.Extractors;
using MoePS.Engine.Models.GatedMessages;
using MoePS.Engine.Runtime;
using MoePS.Engine.Settings;
using MoePS.Engine.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MoePS.Engine.Models.Mixture;

/// <summary>
/// A mixture bound to one dataset on one device for training: the frozen features of every
/// extractor are computed once here; each step runs only the active extractors' fine-tuned
/// layers, the gate and the head.
/// </summary>
public sealed class MixtureTrainingTarget : ITrainingTarget, IDisposable
{
    readonly MixtureModel model;
    readonly FrozenFeatures frozen;
    readonly bool ownsFrozen;

    /// <param name="model">The mixture to train (it is trained in place).</param>
    /// <param name="crystals">The dataset's crystals, in row order.</param>
    /// <param name="device">Where to train.</param>
    /// <param name="adaptation">
    /// For a <see cref="FrozenNormalization.Adapt"/> mixture, the training rows to re-estimate the frozen BatchNorm statistics on
    /// before the features are cached; null keeps its current statistics. Ignored by the other modes.
    /// </param>
    public MixtureTrainingTarget(MixtureModel model, CrystalInputs crystals, ComputeDevice device, BatchNormAdaptation? adaptation = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        this.model = model;
        model.MoveTo(device);
        Device = device.ToTorch();
        frozen = FrozenFeatures.Compute(model.Extractors, model.Network, crystals, device, adaptation: adaptation);
        ownsFrozen = true;
    }

    /// <summary>Binds <paramref name="model"/> to frozen features computed for it (it must be their shape); the caller keeps owning them.</summary>
    internal MixtureTrainingTarget(MixtureModel model, FrozenFeatures frozen, ComputeDevice device)
    {
        this.model = model;
        this.frozen = frozen;
        model.MoveTo(device);
        Device = device.ToTorch();
    }

    public Device Device { get; }

    /// <summary>The model kind, its extractors in order, and the fields its settings give (<see cref="RunSettings.IdentityOf"/>).</summary>
    public IReadOnlyDictionary<string, string> Identity
    {
        get
        {
            var identity = new Dictionary<string, string>
            {
                ["Model"] = "mixture (TL/MoE)",
                ["Extractors"] = string.Join(", ", model.Extractors.Select(e => e.Name)),
            };
            foreach (var (key, value) in RunSettings.IdentityOf(model.Options, model.Extractors.Count)) identity[key] = value;
            return identity;
        }
    }

    /// <summary>
    /// The cached frozen features of expert <paramref name="index"/> (for tests and diagnostics): a CGCNN extractor's atom
    /// features, [atoms, F], after the frozen convolutions or after the embedding with <see cref="FrozenNormalization.Batch"/>;
    /// another expert's crystal features, [crystals, F] (none where its last block is fine-tuned: see <see cref="ExtractorFeatures"/>).
    /// </summary>
    public Tensor FrozenAtomFeatures(int index)
    {
        var groups = model.Network.Groups;
        for (int g = 0; g < groups.Count; g++)
        {
            int p = Array.IndexOf(groups[g].Members, index);
            if (p >= 0) return frozen.PerGroup[g].select(1, p);
        }
        int a = model.Network.FrozenExpertSlot(index);
        if (a < 0) throw new ArgumentOutOfRangeException(nameof(index));
        return frozen.PerFrozenExpert[a].Features ?? throw new InvalidOperationException($"Expert {index}'s last block is fine-tuned: it has no cached features.");
    }


    public IReadOnlyList<ParameterGroup> ParameterGroups(double baseLearningRate)
    {
        var groups = new List<ParameterGroup> { new("gate and head", model.Network.GateAndHeadParameters(), baseLearningRate) };
        var fineTuned = model.Network.FineTunedParameters();
        if (fineTuned.Count > 0) groups.Add(new ParameterGroup("fine-tuned layers", fineTuned, model.Options.FineTuneLearningRate));
        return groups;
    }

    public void SetTraining(bool training) => model.Network.train(training);

    public Tensor Forward(int[] rows)
    {
        var batch = frozen.Select(rows);
        return model.Network.Forward(frozen, batch, model.Network.Gate.ActiveIndices());
    }

    public Tensor? Regularisation() =>
        model.Options.GateRegularization == 0 || !model.Aggregation.UsesGateRegulariser() ? null
        : TopKGate.Regulariser(model.Network.Gate.Scores(), model.Options.GateRegularization);

    public IReadOnlyDictionary<string, Tensor> CaptureState() => ModuleState.Copy(model.Network);

    public void RestoreState(IReadOnlyDictionary<string, Tensor> state)
    {
        using var _ = no_grad();
        foreach (var (key, value) in model.Network.state_dict())
        {
            if (!state.TryGetValue(key, out var saved))
                throw new InvalidOperationException($"The saved mixture state has no '{key}'.");
            value.copy_(saved);
        }
    }

    /// <summary>
    /// With <see cref="GateStart.Probe"/>, starts the gate's θ from a <see cref="RelevanceProbe"/> of each extractor's features
    /// (eval mode, before any training) on <paramref name="split"/>'s training and validation rows; does nothing otherwise.
    /// </summary>
    internal void StartGate(IReadOnlyList<double> labels, DatasetSplit split)
    {
        if (model.Options.GateStart != GateStart.Probe) return;
        SetTraining(false);
        var trainLabels = split.Train.Select(r => labels[r]).ToList();
        var validationLabels = split.Validation.Select(r => labels[r]).ToList();
        var errors = Enumerable.Range(0, model.Extractors.Count).Select(i => RelevanceProbe.ValidationError(
            ExtractorFeatures(split.Train, i), trainLabels, ExtractorFeatures(split.Validation, i), validationLabels)).ToArray();
        model.Network.Gate.Start(RelevanceProbe.GateStart(errors));
    }

    /// <summary>
    /// E_i(x) of one expert for <paramref name="rows"/>: a CGCNN extractor's through the fine-tuned path, as the mixture computes
    /// it, in the network's current mode (a Batch mixture's train-mode features are tested through it, so not
    /// Inference.InChunks); another expert's before its adapter: as the expert gives it, or through its fine-tuned block.
    /// </summary>
    internal float[][] ExtractorFeatures(int[] rows, int extractor) =>
        rows.Chunk(Extractor.EvaluationBatchSize).SelectMany(chunk => ExtractorFeaturesOf(chunk, extractor)).ToArray();

    float[][] ExtractorFeaturesOf(int[] rows, int extractor)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var batch = frozen.Select(rows);
        int a = model.Network.FrozenExpertSlot(extractor);
        var feature = (a >= 0 ? model.Network.AdapterInput(frozen, batch, a)
            : model.Network.ExtractorFeatures(frozen, batch, new[] { extractor })[extractor]).cpu();
        int f = (int)feature.shape[1];
        var flat = feature.data<float>().ToArray();
        return Enumerable.Range(0, rows.Length).Select(r => flat.AsSpan(r * f, f).ToArray()).ToArray();
    }

    /// <summary>Denormalised eval-mode predictions for dataset rows.</summary>
    public double[] Predict(int[] rows) => model.PredictRows(frozen, rows, model.Network.Gate.ActiveIndices());

    public void Dispose()
    {
        if (ownsFrozen) frozen.Dispose();
        GatedMessageWorkspace.ReleaseIn(model.Network);   // the model outlives its training; its per-edge memory need not
    }
}
