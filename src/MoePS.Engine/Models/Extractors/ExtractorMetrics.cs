namespace MoePS.Engine.Models.Extractors;

/// <summary>How well an extractor did on its source task (target units); null where unknown.</summary>
public sealed record ExtractorMetrics(double? ValidationMae, double? TrainMae = null, double? TestMae = null, int? BestEpoch = null,
    string? TestMaeSource = null);
