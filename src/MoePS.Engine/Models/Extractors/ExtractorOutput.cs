namespace MoePS.Engine.Models.Extractors;

/// <summary>Raw outputs, denormalised predictions and crystal features of a set of crystals, in row order.</summary>
public sealed record ExtractorOutput(double[] Raw, double[] Predictions, float[][] Features);
