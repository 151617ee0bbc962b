namespace MoePS.Engine.Models.Mixture;

/// <summary>The shape of a mixture of extractors; defaults are the paper's.</summary>
public sealed record MixtureOptions
{
    /// <summary>Extractors active at once (k); null = all of them.</summary>
    public int? TopK { get; init; }
    public Aggregation Aggregation { get; init; } = Aggregation.Add;
    public int HeadLayers { get; init; } = 3;
    public int HiddenSize { get; init; } = 32;
    /// <summary>How many of each extractor's last convolution layers are fine-tuned (the rest stay frozen).</summary>
    public int FineTuneLayers { get; init; } = 1;
    /// <summary>λ of the gate regulariser λ(aᵀa − 1)² (the paper code's PaperConcat and PaperEnsemble add none).</summary>
    public double GateRegularization { get; init; } = 0.01;
    /// <summary>Learning rate of the fine-tuned convolution layers (head and gate use the run's base rate).</summary>
    public double FineTuneLearningRate { get; init; } = 5e-3;

    /// <summary>
    /// The BatchNorm statistics of the frozen layers. Source (today's default, the extractors' own) stays the
    /// default until a measurement over the paper's tasks and seeds says whether Adapt or Batch (the paper
    /// code's behaviour) is better.
    /// </summary>
    public FrozenNormalization FrozenNormalization { get; init; } = FrozenNormalization.Source;

    /// <summary>Where the gate's θ starts: the paper's ones, or a relevance probe of each extractor on the training rows.</summary>
    public GateStart GateStart { get; init; } = GateStart.Ones;
}
