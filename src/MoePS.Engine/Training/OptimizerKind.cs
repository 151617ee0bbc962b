namespace MoePS.Engine.Training;

/// <summary>The optimisers the trainer offers: Adam (the paper's) or SGD with momentum.</summary>
public enum OptimizerKind
{
    Adam,
    SGD,
}
