namespace MoePS.Engine.Models.Mixture;

/// <summary>
/// The downstream rows a <see cref="FrozenNormalization.Adapt"/> mixture re-estimates its frozen BatchNorm
/// statistics on (its training rows), in batches of <paramref name="BatchSize"/> as training visits them.
/// </summary>
public sealed record BatchNormAdaptation(int[] Rows, int BatchSize);
