namespace MoePS.Engine.Crystals;

/// <summary>What a tasks/index.json (the layout of the paper's data folder) says about one dataset file.</summary>
public sealed record TaskInfo(string Key, string? TargetName, string? Unit);
