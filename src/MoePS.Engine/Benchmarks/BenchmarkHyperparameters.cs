using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MoePS.Engine.Models;
using MoePS.Engine.Models.Mixture;
using MoePS.Engine.Training;

namespace MoePS.Engine.Benchmarks;

/// <summary>
/// Training settings of one benchmark run. Defaults are the paper's recipe (Chang, Wang &amp; Ertekin,
/// npj Comput. Mater. 8, 242 (2022), Methods), taken from <see cref="TrainingOptions"/> and
/// <see cref="MixtureOptions"/>; a plan or the cmdlet overrides what it names.
/// </summary>
public sealed record BenchmarkHyperparameters
{
    static readonly TrainingOptions Training = new();
    static readonly MixtureOptions Mixture = new();

    public int Epochs { get; init; } = Training.Epochs;
    public int Patience { get; init; } = Training.Patience;
    public int BatchSize { get; init; } = Training.BatchSize;
    public double LearningRate { get; init; } = Training.LearningRate;

    /// <summary>Learning rate of the fine-tuned extractor layers (TL and mixtures).</summary>
    public double FineTuneLearningRate { get; init; } = Mixture.FineTuneLearningRate;

    /// <summary>k of the gate; null means all extractors.</summary>
    public int? TopK { get; init; }

    /// <summary>Add, Concat, Ensemble, PaperConcat or PaperEnsemble (mixtures only).</summary>
    public Aggregation Aggregation { get; init; } = Mixture.Aggregation;

    /// <summary>The one extractor TL starts from.</summary>
    public string TransferFrom { get; init; } = PaperResults.Table3TransferSource;

    /// <summary>Extractors of a mixture; empty means all available.</summary>
    public IReadOnlyList<string> Extractors { get; init; } = Array.Empty<string>();

    public double GateRegularization { get; init; } = Mixture.GateRegularization;

    /// <summary>BatchNorm statistics of the extractors' frozen layers (TL and mixtures).</summary>
    public FrozenNormalization FrozenNormalization { get; init; } = Mixture.FrozenNormalization;

    /// <summary>Where a mixture's gate θ starts (mixtures of several extractors only).</summary>
    public GateStart GateStart { get; init; } = Mixture.GateStart;

    /// <summary>
    /// STL's optimiser and schedule: the paper text's (Adam at <see cref="LearningRate"/>, the default) or the paper code's
    /// (SGD at 0.02, momentum 0.9, cosine to 1e-5: <see cref="LearningRate"/> does not apply to STL then).
    /// </summary>
    public SingleTaskRecipe StlRecipe { get; init; } = SingleTaskRecipe.PaperText;

    /// <summary>These settings with the epoch budget and patience of <paramref name="preset"/>.</summary>
    public BenchmarkHyperparameters With(TrainingPreset preset)
    {
        var budget = new TrainingOptions { Epochs = Epochs, Patience = Patience }.With(preset);
        return this with { Epochs = budget.Epochs, Patience = budget.Patience };
    }

    /// <summary>
    /// The settings that change what <paramref name="method"/> trains, as name=value pairs in a
    /// fixed order: STL ignores every mixture setting, so changing k doesn't redo STL runs. Settings
    /// added after result files existed (the STL recipe, the frozen normalisation) appear only when not
    /// their default, so that runs recorded before them keep their keys.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> RelevantTo(LearningMethod method)
    {
        var s = new List<KeyValuePair<string, string>>
        {
            new("epochs", Num(Epochs)), new("patience", Num(Patience)),
            new("batchSize", Num(BatchSize)), new("learningRate", Num(LearningRate)),
        };
        if (method == LearningMethod.STL && StlRecipe != SingleTaskRecipe.PaperText)
            s.Add(new("stlRecipe", StlRecipe.ToString()));
        if (method == LearningMethod.TL)
        {
            s.Add(new("fineTuneLearningRate", Num(FineTuneLearningRate)));
            s.Add(new("transferFrom", TransferFrom));
        }
        else if (method.IsMixture())
        {
            s.Add(new("fineTuneLearningRate", Num(FineTuneLearningRate)));
            s.Add(new("topK", TopK is int k ? Num(k) : "all"));
            s.Add(new("aggregation", method.AggregationOf()!.Value.ToString()));
            s.Add(new("extractors", Extractors.Count == 0 ? "all" : string.Join(",", Extractors)));
            s.Add(new("gateRegularization", Num(GateRegularization)));
            if (GateStart != GateStart.Ones) s.Add(new("gateStart", GateStart.ToString()));
        }
        if (method != LearningMethod.STL && FrozenNormalization != FrozenNormalization.Source)
            s.Add(new("frozenNormalization", FrozenNormalization.ToString()));
        return s;
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

    static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
