using System.Globalization;
using MoePS.Engine.Benchmarks;
using MoePS.Engine.Models.Mixture;
using MoePS.Engine.Training;

namespace MoePS.Engine.Settings;

/// <summary>
/// Every training and mixture setting of a run, each declared once: its name, type, default (the paper's), plan key,
/// check, the methods it shapes, whether a run key holds it at its default, and whether a mixture's checkpoint identity
/// records it. Plan reading, run keys and settings texts (<see cref="BenchmarkHyperparameters.RelevantTo"/>), checkpoint
/// identity, the benchmark's training and mixture options and the cmdlets' parameter binding all walk <see cref="All"/>.
/// </summary>
public static class RunSettings
{
    public static readonly RunSetting<int> Epochs = new(nameof(Epochs), 1000, SettingScope.Every, v => v.WholeNumber(1), Integer,
        new(h => h.Epochs, (h, v) => h with { Epochs = v }))
    {
        KeyedAtDefault = true,
        Training = new(o => o.Epochs, (o, v) => o with { Epochs = v }),
    };

    public static readonly RunSetting<int> Patience = new(nameof(Patience), 500, SettingScope.Every, v => v.WholeNumber(1), Integer,
        new(h => h.Patience, (h, v) => h with { Patience = v }))
    {
        KeyedAtDefault = true,
        Training = new(o => o.Patience, (o, v) => o with { Patience = v }),
    };

    public static readonly RunSetting<int> BatchSize = new(nameof(BatchSize), 250, SettingScope.Every, v => v.WholeNumber(1), Integer,
        new(h => h.BatchSize, (h, v) => h with { BatchSize = v }))
    {
        KeyedAtDefault = true,
        Training = new(o => o.BatchSize, (o, v) => o with { BatchSize = v }),
    };

    public static readonly RunSetting<double> LearningRate = new(nameof(LearningRate), 1e-2, SettingScope.Every, v => v.Positive(), Number,
        new(h => h.LearningRate, (h, v) => h with { LearningRate = v }))
    {
        KeyedAtDefault = true,
        Training = new(o => o.LearningRate, (o, v) => o with { LearningRate = v }),
    };

    public static readonly RunSetting<SingleTaskRecipe> StlRecipe = new(nameof(StlRecipe), SingleTaskRecipe.PaperText, SettingScope.SingleTask,
        v => v.Choice<SingleTaskRecipe>(), Name, new(h => h.StlRecipe, (h, v) => h with { StlRecipe = v }));

    /// <summary>Learning rate of the fine-tuned convolution layers (head and gate use the run's base rate, which the recipe's identity holds).</summary>
    public static readonly RunSetting<double> FineTuneLearningRate = new(nameof(FineTuneLearningRate), 5e-3, SettingScope.Extractors,
        v => v.Positive(), Number, new(h => h.FineTuneLearningRate, (h, v) => h with { FineTuneLearningRate = v }))
    {
        KeyedAtDefault = true,
        Mixture = new(o => o.FineTuneLearningRate, (o, v) => o with { FineTuneLearningRate = v }),
    };

    /// <summary>The one extractor TL starts from (the mixture's identity names its extractors).</summary>
    public static readonly RunSetting<string> TransferFrom = new(nameof(TransferFrom), PaperResults.Table3TransferSource, SettingScope.Transfer,
        v => v.Name(), v => v, new(h => h.TransferFrom, (h, v) => h with { TransferFrom = v }))
    {
        KeyedAtDefault = true,
    };

    /// <summary>Extractors active at once (k); null = all of them.</summary>
    public static readonly RunSetting<int?> TopK = new(nameof(TopK), null, SettingScope.Mixtures, v => v.IsAll ? null : v.WholeNumber(1),
        k => k is int n ? Integer(n) : "all", new(h => h.TopK, (h, v) => h with { TopK = v }))
    {
        KeyedAtDefault = true,
        Mixture = new(o => o.TopK, (o, v) => o with { TopK = v }),
        Identity = SettingIdentity.Always,
        IdentityText = (o, extractors) => Integer(o.TopKOf(extractors)),
    };

    /// <summary>
    /// How the gated features become one prediction: Add is the paper's; MoePS's gated Concat and Ensemble stay beside the
    /// paper code's PaperConcat and PaperEnsemble, as neither form won on both measured tasks (README, "Concat and Ensemble").
    /// </summary>
    public static readonly RunSetting<Aggregation> Aggregation = new(nameof(Aggregation), Models.Mixture.Aggregation.Add, SettingScope.Mixtures,
        v => v.Choice<Aggregation>(), Name, new(h => h.Aggregation, (h, v) => h with { Aggregation = v }))
    {
        KeyedAtDefault = true,
        Mixture = new(o => o.Aggregation, (o, v) => o with { Aggregation = v }),
        Identity = SettingIdentity.Always,
    };

    /// <summary>Extractors of a mixture; empty means all available (the mixture's identity names them).</summary>
    public static readonly RunSetting<IReadOnlyList<string>> Extractors = new(nameof(Extractors), Array.Empty<string>(), SettingScope.Mixtures,
        v => v.Names(), names => names.Count == 0 ? "all" : string.Join(",", names), new(h => h.Extractors, (h, v) => h with { Extractors = v }))
    {
        KeyedAtDefault = true,
        ParameterName = "Extractor",
    };

    /// <summary>λ of the gate regulariser λ(aᵀa − 1)² (the paper code's PaperConcat and PaperEnsemble add none).</summary>
    public static readonly RunSetting<double> GateRegularization = new(nameof(GateRegularization), 0.01, SettingScope.Mixtures,
        v => v.NonNegative(), Number, new(h => h.GateRegularization, (h, v) => h with { GateRegularization = v }))
    {
        KeyedAtDefault = true,
        Mixture = new(o => o.GateRegularization, (o, v) => o with { GateRegularization = v }),
        Identity = SettingIdentity.Always,
    };

    /// <summary>
    /// The BatchNorm statistics of the extractors' frozen layers. Source, the extractors' own, is the default: over the
    /// paper's small tasks Adapt and Batch (the paper code's) were worse or within noise (README, "BatchNorm of the frozen
    /// extractor layers"). Checkpoints have recorded it since it was added, at its default too.
    /// </summary>
    public static readonly RunSetting<FrozenNormalization> FrozenNormalization = new(nameof(FrozenNormalization),
        Models.Mixture.FrozenNormalization.Source, SettingScope.Extractors, v => v.Choice<FrozenNormalization>(), Name,
        new(h => h.FrozenNormalization, (h, v) => h with { FrozenNormalization = v }))
    {
        Mixture = new(o => o.FrozenNormalization, (o, v) => o with { FrozenNormalization = v }),
        Identity = SettingIdentity.Always,
    };

    /// <summary>Layers of the new head (Linear, Softplus, …, Linear).</summary>
    public static readonly RunSetting<int> HeadLayers = new(nameof(HeadLayers), 3, SettingScope.Extractors, v => v.WholeNumber(1), Integer,
        new(h => h.HeadLayers, (h, v) => h with { HeadLayers = v }))
    {
        Mixture = new(o => o.HeadLayers, (o, v) => o with { HeadLayers = v }),
        Identity = SettingIdentity.Always,
        IdentityKey = HeadIdentityKey,
        IdentityText = HeadIdentity,
    };

    /// <summary>Width of the head's hidden layers.</summary>
    public static readonly RunSetting<int> HiddenSize = new(nameof(HiddenSize), 32, SettingScope.Extractors, v => v.WholeNumber(1), Integer,
        new(h => h.HiddenSize, (h, v) => h with { HiddenSize = v }))
    {
        Mixture = new(o => o.HiddenSize, (o, v) => o with { HiddenSize = v }),
        Identity = SettingIdentity.Always,
        IdentityKey = HeadIdentityKey,
        IdentityText = HeadIdentity,
    };

    /// <summary>How many of each extractor's last convolution layers are fine-tuned (the rest stay frozen).</summary>
    public static readonly RunSetting<int> FineTuneLayers = new(nameof(FineTuneLayers), 1, SettingScope.Extractors, v => v.WholeNumber(0), Integer,
        new(h => h.FineTuneLayers, (h, v) => h with { FineTuneLayers = v }))
    {
        Mixture = new(o => o.FineTuneLayers, (o, v) => o with { FineTuneLayers = v }),
        Identity = SettingIdentity.Always,
    };

    /// <summary>Where the gate's θ starts: the paper's ones, or a relevance probe of each extractor on the training rows.</summary>
    public static readonly RunSetting<GateStart> GateStart = new(nameof(GateStart), Models.Mixture.GateStart.Ones, SettingScope.Mixtures,
        v => v.Choice<GateStart>(), Name, new(h => h.GateStart, (h, v) => h with { GateStart = v }))
    {
        Mixture = new(o => o.GateStart, (o, v) => o with { GateStart = v }),
        Identity = SettingIdentity.WhenChanged,
    };

    /// <summary>Whether a TensorNet expert's last interaction block stays frozen or is fine-tuned (TL and mixtures with one).</summary>
    public static readonly RunSetting<TensorNetLastBlock> TensorNetLastBlock = new(nameof(TensorNetLastBlock),
        Models.Mixture.TensorNetLastBlock.Frozen, SettingScope.Extractors, v => v.Choice<TensorNetLastBlock>(), Name,
        new(h => h.TensorNetLastBlock, (h, v) => h with { TensorNetLastBlock = v }))
    {
        Mixture = new(o => o.TensorNetLastBlock, (o, v) => o with { TensorNetLastBlock = v }),
        Identity = SettingIdentity.WhenChanged,
    };

    /// <summary>Every setting, in the order of a run key's pairs.</summary>
    public static readonly IReadOnlyList<RunSetting> All = new RunSetting[]
    {
        Epochs, Patience, BatchSize, LearningRate, StlRecipe, FineTuneLearningRate, TransferFrom, TopK, Aggregation, Extractors,
        GateRegularization, FrozenNormalization, HeadLayers, HiddenSize, FineTuneLayers, GateStart, TensorNetLastBlock,
    };

    /// <summary>The setting a plan names <paramref name="yamlKey"/>, or null.</summary>
    public static RunSetting? ForYamlKey(string yamlKey) => All.FirstOrDefault(s => s.YamlKey == yamlKey);

    /// <summary><paramref name="start"/> with every setting it holds taken from <paramref name="settings"/>.</summary>
    public static TRecord Apply<TRecord>(BenchmarkHyperparameters settings, TRecord start) =>
        All.Where(s => s.Sets<TRecord>()).Aggregate(start, (record, s) => s.Copy(settings, record));

    /// <summary>The fields of a mixture's checkpoint identity that its settings give.</summary>
    public static IEnumerable<KeyValuePair<string, string>> IdentityOf(MixtureOptions options, int extractorCount) =>
        All.Select(s => s.IdentityField(options, extractorCount)).OfType<KeyValuePair<string, string>>();

    /// <summary>Head layers and width share one identity field, as checkpoints have written it.</summary>
    const string HeadIdentityKey = "Head";

    static string HeadIdentity(MixtureOptions o, int extractors) => FormattableString.Invariant($"{o.HeadLayers} layers of {o.HiddenSize}");

    static string Integer(int v) => v.ToString(CultureInfo.InvariantCulture);

    static string Number(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    static string Name<TEnum>(TEnum v) where TEnum : struct, Enum => v.ToString();
}
