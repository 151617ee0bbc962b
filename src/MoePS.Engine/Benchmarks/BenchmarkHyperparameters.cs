using System.Security.Cryptography;
using System.Text;
using MoePS.Engine.Models;
using MoePS.Engine.Models.Mixture;
using MoePS.Engine.Settings;
using MoePS.Engine.Training;

namespace MoePS.Engine.Benchmarks;

/// <summary>
/// Training and mixture settings of one benchmark run, each declared (default, plan key, the methods it shapes) in
/// <see cref="RunSettings"/>; defaults are the paper's recipe (Chang, Wang &amp; Ertekin, npj Comput. Mater. 8, 242 (2022),
/// Methods). A plan or the cmdlet overrides what it names.
/// </summary>
public sealed record BenchmarkHyperparameters
{
    public int Epochs { get; init; } = RunSettings.Epochs.Default;
    public int Patience { get; init; } = RunSettings.Patience.Default;
    public int BatchSize { get; init; } = RunSettings.BatchSize.Default;
    public double LearningRate { get; init; } = RunSettings.LearningRate.Default;

    /// <summary>
    /// STL's optimiser and schedule: the paper text's (Adam at <see cref="LearningRate"/>, the default) or the paper code's
    /// (SGD at 0.02, momentum 0.9, cosine to 1e-5: <see cref="LearningRate"/> does not apply to STL then).
    /// </summary>
    public SingleTaskRecipe StlRecipe { get; init; } = RunSettings.StlRecipe.Default;

    /// <summary>Learning rate of the fine-tuned extractor layers (TL and mixtures).</summary>
    public double FineTuneLearningRate { get; init; } = RunSettings.FineTuneLearningRate.Default;

    /// <summary>The one extractor TL starts from.</summary>
    public string TransferFrom { get; init; } = RunSettings.TransferFrom.Default;

    /// <summary>k of the gate; null means all extractors.</summary>
    public int? TopK { get; init; } = RunSettings.TopK.Default;

    /// <summary>Add, Concat, Ensemble, PaperConcat or PaperEnsemble (mixtures only).</summary>
    public Aggregation Aggregation { get; init; } = RunSettings.Aggregation.Default;

    /// <summary>Extractors of a mixture; empty means all available.</summary>
    public IReadOnlyList<string> Extractors { get; init; } = RunSettings.Extractors.Default;

    public double GateRegularization { get; init; } = RunSettings.GateRegularization.Default;

    /// <summary>BatchNorm statistics of the extractors' frozen layers (TL and mixtures).</summary>
    public FrozenNormalization FrozenNormalization { get; init; } = RunSettings.FrozenNormalization.Default;

    public int HeadLayers { get; init; } = RunSettings.HeadLayers.Default;
    public int HiddenSize { get; init; } = RunSettings.HiddenSize.Default;
    public int FineTuneLayers { get; init; } = RunSettings.FineTuneLayers.Default;
    public GateStart GateStart { get; init; } = RunSettings.GateStart.Default;
    public TensorNetLastBlock TensorNetLastBlock { get; init; } = RunSettings.TensorNetLastBlock.Default;

    /// <summary>These settings with the epoch budget and patience of <paramref name="preset"/>.</summary>
    public BenchmarkHyperparameters With(TrainingPreset preset)
    {
        var budget = new TrainingOptions { Epochs = Epochs, Patience = Patience }.With(preset);
        return this with { Epochs = budget.Epochs, Patience = budget.Patience };
    }

    /// <summary>
    /// The settings that change what <paramref name="method"/> trains, as name=value pairs in the order of
    /// <see cref="RunSettings.All"/>: those whose scope covers the method (STL ignores every mixture setting, so changing k
    /// doesn't redo STL runs), and of the settings added after result files existed only those not at their default, so
    /// that runs recorded before them keep their keys. A mixture's aggregation is its method's.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> RelevantTo(LearningMethod method)
    {
        var settings = method.AggregationOf() is Aggregation aggregation ? this with { Aggregation = aggregation } : this;
        return RunSettings.All
            .Where(s => s.Scope.Covers(method) && (s.KeyedAtDefault || !s.IsDefault(settings)))
            .Select(s => new KeyValuePair<string, string>(s.YamlKey, s.KeyText(settings)))
            .ToList();
    }

    /// <summary>
    /// What sets <paramref name="method"/>'s runs apart from the defaults (the paper's recipe): the <see cref="RelevantTo"/>
    /// pairs that differ from a default plan's, as "epochs=200; patience=50; frozenNormalization=Adapt"; empty when none.
    /// </summary>
    public string Describe(LearningMethod method)
    {
        var defaults = Default.RelevantTo(method).ToHashSet();
        return string.Join(PairSeparator, RelevantTo(method).Where(p => !defaults.Contains(p)).Select(p => p.Key + "=" + p.Value));
    }

    /// <summary>The "name=value" pairs of a <see cref="Describe"/> text, in its order.</summary>
    public static IReadOnlyList<string> PairsOf(string described) =>
        described.Split(PairSeparator.Trim(), StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>
    /// The pairs of a <see cref="Describe"/> text that every method has (epochs, patience, batch size, learning rate),
    /// e.g. "epochs=200; patience=50" for the Fast preset; empty for the paper's recipe.
    /// </summary>
    public static string RecipeOf(string described) =>
        string.Join(PairSeparator, PairsOf(described).Where(p => SharedKeys.Contains(p[..Math.Max(0, p.IndexOf('=', StringComparison.Ordinal))])));

    /// <summary>
    /// The gateStart pair of a <see cref="Describe"/> text ("gateStart=Probe"), null when the text has none (the runs started
    /// the gate at the default, the paper's ones).
    /// </summary>
    public static string? GateStartPairOf(string described) => PairOf(described, RunSettings.GateStart);

    /// <summary>The pair of <paramref name="setting"/> in a <see cref="Describe"/> text ("key=value"), null when it has none.</summary>
    public static string? PairOf(string described, RunSetting setting) =>
        PairsOf(described).LastOrDefault(p => p.StartsWith(setting.YamlKey + "=", StringComparison.Ordinal));

    /// <summary>
    /// Where the gate's θ started in runs whose <see cref="Describe"/> text is <paramref name="described"/>: the value of its
    /// gateStart pair, the default (the paper's ones) when it has none, null when it names a start this version does not know.
    /// </summary>
    public static GateStart? GateStartOf(string described)
    {
        if (GateStartPairOf(described) is not string pair) return RunSettings.GateStart.Default;
        return Enum.TryParse<GateStart>(pair[(pair.IndexOf('=', StringComparison.Ordinal) + 1)..], ignoreCase: true, out var start)
            ? start : null;
    }

    const string PairSeparator = "; ";
    static readonly BenchmarkHyperparameters Default = new();

    /// <summary>The settings every method has: those of STL with its defaults, which adds none of its own.</summary>
    static readonly HashSet<string> SharedKeys = Default.RelevantTo(LearningMethod.STL).Select(p => p.Key).ToHashSet(StringComparer.Ordinal);

    /// <summary>First 12 hex digits of SHA-256 over <see cref="RelevantTo"/>: part of a run's key.</summary>
    public string HashFor(LearningMethod method)
    {
        string canonical = string.Join(";", RelevantTo(method).Select(p => p.Key + "=" + p.Value));
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(method.ToString() + "|" + canonical));
        return Convert.ToHexString(hash, 0, 6).ToLowerInvariant();
    }
}
