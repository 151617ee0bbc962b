using MoePS.Engine.Crystals;

namespace MoePS.Engine.Models;

/// <summary>A crystal to predict, with its known target (null when unknown).</summary>
public sealed record PredictionInput(Crystal Crystal, double? Actual);
