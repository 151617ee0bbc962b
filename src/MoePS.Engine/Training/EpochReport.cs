namespace MoePS.Engine.Training;

/// <summary>Progress after each epoch, for Write-Progress and -Verbose.</summary>
/// <param name="Epoch">The epoch just finished (1-based).</param>
/// <param name="TotalEpochs">The epoch budget.</param>
/// <param name="Record">That epoch's history row.</param>
/// <param name="BestEpoch">Epoch of the best validation MAE so far.</param>
/// <param name="BestValidationMae">The best validation MAE so far, in target units.</param>
/// <param name="Elapsed">Wall time of the run so far (including time before a resume).</param>
/// <param name="Remaining">Estimated time left: mean epoch time × epochs left until the budget or the early stop, whichever is sooner.</param>
public sealed record EpochReport(int Epoch, int TotalEpochs, EpochRecord Record, int BestEpoch, double BestValidationMae,
    TimeSpan Elapsed, TimeSpan Remaining)
{
    public bool IsNewBest => BestEpoch == Epoch;

    public double PercentComplete => 100.0 * Epoch / TotalEpochs;

    public override string ToString() =>
        $"Epoch {Epoch}/{TotalEpochs}: loss {Record.TrainLoss:G4}, train MAE {Record.TrainMae:G4}, val MAE {Record.ValidationMae:G4}" +
        $"{(IsNewBest ? " (best)" : $", best {BestValidationMae:G4} at epoch {BestEpoch}")}, lr {Record.LearningRate:G3}, {Record.Seconds:F2} s";
}
