namespace MoePS.Engine.Training;

/// <summary>
/// The two recipes the paper gives for single-task learning (STL): its text's and its code's. They differ only in the
/// optimiser and the learning-rate schedule; epochs, patience and batch size are the run's.
/// </summary>
public enum SingleTaskRecipe
{
    /// <summary>
    /// The paper's Methods (Chang, Wang &amp; Ertekin, npj Comput. Mater. 8, 242 (2022)): Adam, cosine annealing to 0, at the
    /// run's learning rate (1e-2 by default, the paper's).
    /// </summary>
    PaperText,

    /// <summary>
    /// The paper's code (rees-c/MoE, main_singletask.py), which produced Table 3's STL column: SGD at 0.02 with momentum 0.9,
    /// cosine annealing to η_min = 1e-5.
    /// </summary>
    PaperCode,
}

/// <summary>Applies a <see cref="SingleTaskRecipe"/> to a run's options.</summary>
public static class SingleTaskRecipes
{
    /// <summary>
    /// <paramref name="options"/> with the recipe's optimiser and schedule floor; PaperCode also sets its learning rate and
    /// momentum, PaperText keeps the options' learning rate.
    /// </summary>
    public static TrainingOptions With(this TrainingOptions options, SingleTaskRecipe recipe)
    {
        ArgumentNullException.ThrowIfNull(options);
        return recipe switch
        {
            SingleTaskRecipe.PaperText => options with { Optimizer = OptimizerKind.Adam, MinimumLearningRate = 0 },
            SingleTaskRecipe.PaperCode => options with
            {
                Optimizer = OptimizerKind.SGD, LearningRate = 0.02, Momentum = 0.9, MinimumLearningRate = 1e-5,
            },
            _ => throw new ArgumentOutOfRangeException(nameof(recipe), recipe, "Unknown single-task recipe."),
        };
    }
}
