using TorchSharp.Modules;

namespace MoePS.Engine.Training;

/// <summary>
/// Builds the run's optimiser with one optimiser group per <see cref="ParameterGroup"/>, each at its own rate: torch's Adam
/// or SGD as TorchSharp computes them, with explicit Scalars (<see cref="HeldScalarAdam"/>, <see cref="HeldScalarSgd"/>).
/// </summary>
internal static class OptimizerFactory
{
    internal const double AdamBeta1 = 0.9, AdamBeta2 = 0.999, AdamEpsilon = 1e-8; // torch.optim.Adam's defaults

    public static OptimizerHelper Create(IReadOnlyList<ParameterGroup> groups, TrainingOptions options)
    {
        if (groups.Count == 0 || groups.All(g => g.Parameters.Count == 0))
            throw new InvalidOperationException("The model has no parameters to train.");
        return options.Optimizer switch
        {
            OptimizerKind.Adam => new HeldScalarAdam(
                groups.Select(g => new Adam.ParamGroup(g.Parameters, g.LearningRate, AdamBeta1, AdamBeta2, AdamEpsilon, options.WeightDecay)),
                options.LearningRate, AdamBeta1, AdamBeta2, AdamEpsilon, options.WeightDecay),
            OptimizerKind.SGD => new HeldScalarSgd(
                groups.Select(g => new SGD.ParamGroup(g.Parameters, g.LearningRate, options.Momentum, weight_decay: options.WeightDecay)),
                options.LearningRate, options.Momentum, options.WeightDecay),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Optimizer, "Unknown optimiser."),
        };
    }

    /// <summary>Sets each optimiser group's learning rate, in group order.</summary>
    public static void SetRates(OptimizerHelper optimizer, IReadOnlyList<double> rates)
    {
        int i = 0;
        foreach (var group in optimizer.ParamGroups) group.LearningRate = rates[i++];
    }
}
