namespace MoePS.Engine.Benchmarks;

/// <summary>A test MAE the paper reports, with where it comes from.</summary>
public sealed record PaperValue(double Mean, double? Std, string Source);
