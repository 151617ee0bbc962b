using MoePS.Engine.Settings;

namespace MoePS.Engine.Models.Mixture;

/// <summary>The shape of a mixture of extractors; each setting is declared, with its default and meaning, in <see cref="RunSettings"/>.</summary>
public sealed record MixtureOptions
{
    /// <summary>Extractors active at once (k); null = all of them.</summary>
    public int? TopK { get; init; } = RunSettings.TopK.Default;
    public Aggregation Aggregation { get; init; } = RunSettings.Aggregation.Default;
    public int HeadLayers { get; init; } = RunSettings.HeadLayers.Default;
    public int HiddenSize { get; init; } = RunSettings.HiddenSize.Default;
    public int FineTuneLayers { get; init; } = RunSettings.FineTuneLayers.Default;
    public double GateRegularization { get; init; } = RunSettings.GateRegularization.Default;
    public double FineTuneLearningRate { get; init; } = RunSettings.FineTuneLearningRate.Default;
    public FrozenNormalization FrozenNormalization { get; init; } = RunSettings.FrozenNormalization.Default;
    public GateStart GateStart { get; init; } = RunSettings.GateStart.Default;
    public TensorNetLastBlock TensorNetLastBlock { get; init; } = RunSettings.TensorNetLastBlock.Default;

    /// <summary>k of a mixture of <paramref name="extractorCount"/> extractors: <see cref="TopK"/>, or all of them when unset.</summary>
    public int TopKOf(int extractorCount) => TopK ?? extractorCount;
}
