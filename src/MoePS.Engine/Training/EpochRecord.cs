namespace MoePS.Engine.Training;

/// <summary>
/// One epoch of the history: mean training loss (normalised MSE + regulariser), training MAE
/// (train mode, as the batches went), validation MAE (eval mode), both MAEs in target units,
/// the learning rate of the first parameter group, and the epoch's wall time.
/// </summary>
public sealed record EpochRecord(int Epoch, double TrainLoss, double TrainMae, double ValidationMae, double LearningRate, double Seconds);
