using static TorchSharp.torch;

namespace MoePS.Engine.Training;

/// <summary>
/// A model bound to one dataset on one device, as the <c>Trainer</c> drives it. The model owns
/// whatever it precomputed for the dataset (graph tensors, frozen features); the trainer only
/// deals in dataset row indices and normalised targets.
/// </summary>
public interface ITrainingTarget
{
    /// <summary>
    /// What shapes this model beyond the recipe, as name → text in a fixed order: its kind and shape (e.g.
    /// extractors, TopK, head). A checkpoint resumes only when every field matches, and a refusal names
    /// each field that differs, so two models with the same tensors but different behaviour must differ here.
    /// </summary>
    IReadOnlyDictionary<string, string> Identity { get; }

    /// <summary>The device the target's tensors live on.</summary>
    Device Device { get; }

    /// <summary>Parameters to optimise, each group with its learning rate (given the base rate of the run).</summary>
    IReadOnlyList<ParameterGroup> ParameterGroups(double baseLearningRate);

    /// <summary>Train mode for the learning parts; frozen parts stay in eval mode.</summary>
    void SetTraining(bool training);

    /// <summary>Normalised predictions for the given dataset rows, shape [rows.Length].</summary>
    Tensor Forward(int[] rows);

    /// <summary>An extra loss term added to the MSE (e.g. the gate regulariser), or null.</summary>
    Tensor? Regularisation();

    /// <summary>Copies of all learnable state (parameters and BatchNorm buffers), for best-epoch restore and checkpoints. The caller owns (and disposes) the copies.</summary>
    IReadOnlyDictionary<string, Tensor> CaptureState();

    /// <summary>Restores state captured by <see cref="CaptureState"/> by copying its values; the caller keeps ownership of the tensors.</summary>
    void RestoreState(IReadOnlyDictionary<string, Tensor> state);
}
