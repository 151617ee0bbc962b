namespace MoePS.Engine.Cluster;

/// <summary>
/// One structure of a sharded prediction: its prediction, or why it has none (a file that could not
/// be read, an element the model has no features for). <see cref="Source"/> is the structure file.
/// </summary>
public sealed record PredictionRow(string Id, string Formula, double? Predicted, string? Unit, double? StdDev,
    string Model, string Property, string Source, string? Error);
