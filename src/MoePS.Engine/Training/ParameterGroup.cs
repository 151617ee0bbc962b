namespace MoePS.Engine.Training;

/// <summary>A set of parameters that learn at one rate.</summary>
public sealed record ParameterGroup(string Name, IReadOnlyList<TorchSharp.Modules.Parameter> Parameters, double LearningRate);
