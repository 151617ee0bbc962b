namespace MoePS.Engine.Models;

/// <summary>A model's prediction for one crystal; Actual and AbsoluteError when the target is known, StdDev over several models.</summary>
public sealed record Prediction(string Id, string Formula, double Predicted, string? Unit, double? Actual, double? AbsoluteError,
    double? StdDev, string Model, string Property);
