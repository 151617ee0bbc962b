using MoePS.Engine.Crystals;
using MoePS.Engine.Runtime;

namespace MoePS.Engine.Training;

/// <summary>
/// Trains any <see cref="ITrainingTarget"/> with the paper's recipe: MSE on normalised labels plus the
/// target's regulariser, mini-batches, cosine-annealed learning rates per parameter group, early
/// stopping on validation MAE, best-validation weights restored at the end.
/// </summary>
public static class Trainer
{
    /// <param name="target">The model bound to its dataset; left holding the best-validation weights, in eval mode.</param>
    /// <param name="targets">Raw label of every dataset row (NaN where unknown); train and validation rows must be known.</param>
    /// <param name="split">Dataset rows of train, validation and test.</param>
    /// <param name="options">Settings of the run.</param>
    /// <param name="progress">Receives one report per finished epoch, on the training thread.</param>
    /// <param name="cancellation">Stops training at the next batch; the best model so far is kept and returned.</param>
    public static TrainingResult Fit(ITrainingTarget target, IReadOnlyList<double> targets, DatasetSplit split, TrainingOptions options,
        IProgress<EpochReport>? progress = null, CancellationToken cancellation = default) =>
        Fit(target, targets, null, split, options, progress, cancellation);

    /// <summary>
    /// <see cref="Fit(ITrainingTarget, IReadOnlyList{double}, DatasetSplit, TrainingOptions, IProgress{EpochReport}?, CancellationToken)"/>
    /// for rows with structures: a checkpoint records a hash of the split rows' structures as well as of their targets, so
    /// that <see cref="TrainingOptions.Resume"/> refuses the same rows with edited content.
    /// </summary>
    /// <param name="structures">The structure of every dataset row; null where rows have none.</param>
    public static TrainingResult Fit(ITrainingTarget target, IReadOnlyList<double> targets, IReadOnlyList<Crystal>? structures,
        DatasetSplit split, TrainingOptions options, IProgress<EpochReport>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        CheckSplit(targets, split);
        if (structures != null && structures.Count != targets.Count)
            throw new ArgumentException($"{structures.Count} structures for {targets.Count} targets.", nameof(structures));
        TorchRuntime.EnsureLoaded();
        using var run = new TrainingRun(target, targets, structures, split, options, NormaliserFor(targets, split));
        return run.Execute(progress, cancellation);
    }

    /// <summary>The label normaliser of a run: fitted to its training and validation labels.</summary>
    internal static Normaliser NormaliserFor(IReadOnlyList<double> targets, DatasetSplit split) =>
        Normaliser.Fit(split.Train.Concat(split.Validation).Select(i => targets[i]));

    internal static void CheckSplit(IReadOnlyList<double> targets, DatasetSplit split)
    {
        if (split.Train.Length == 0) throw new ArgumentException("The split has no training rows.", nameof(split));
        if (split.Validation.Length == 0)
            throw new ArgumentException("The split has no validation rows; early stopping and the best-model choice need them.", nameof(split));
        foreach (int row in split.Train.Concat(split.Validation).Concat(split.Test))
            if (row < 0 || row >= targets.Count)
                throw new ArgumentOutOfRangeException(nameof(split), row, $"Split row {row} is outside the {targets.Count} targets.");
        foreach (int row in split.Train.Concat(split.Validation))
            if (!double.IsFinite(targets[row]))
                throw new ArgumentException($"Row {row} is in the training or validation set but its target is {targets[row]}.", nameof(targets));
    }
}
