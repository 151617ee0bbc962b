using MoePS.Engine.Crystals;

namespace MoePS.Engine.Training.Packing;

/// <summary>
/// One run of a pack (<see cref="PackedTrainer"/>): what <see cref="Trainer.Fit"/> takes for a run on its own — the
/// target bound to its dataset, the raw label of every row, the split and the options.
/// </summary>
public sealed record PackedRun(ITrainingTarget Target, IReadOnlyList<double> Targets, DatasetSplit Split, TrainingOptions Options);
