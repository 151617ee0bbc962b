namespace MoePS.Engine.Training;

/// <summary>
/// What a training run produced. The target holds the best-validation weights afterwards; the
/// MAEs here are computed with those weights in eval mode, in target units (NaN where a set has
/// no known labels). BestEpoch is 0 when no epoch finished (cancelled during the first).
/// </summary>
public sealed record TrainingResult
{
    public required IReadOnlyList<EpochRecord> History { get; init; }
    public required int BestEpoch { get; init; }
    public required double BestValidationMae { get; init; }
    public required double TrainMae { get; init; }
    public required double ValidationMae { get; init; }
    public required double TestMae { get; init; }
    public required Normaliser Normaliser { get; init; }
    public required TrainingOptions Options { get; init; }
    public required string Device { get; init; }

    /// <summary>Ended because validation MAE had not improved for <see cref="TrainingOptions.Patience"/> epochs.</summary>
    public required bool StoppedEarly { get; init; }

    /// <summary>Ended by the cancellation token (Ctrl+C) before the budget or the early stop.</summary>
    public required bool Cancelled { get; init; }

    /// <summary>The epoch a resumed run continued from, or null when it started fresh.</summary>
    public required int? ResumedFromEpoch { get; init; }

    /// <summary>Wall time of the whole run, including time before a resume.</summary>
    public required TimeSpan Elapsed { get; init; }

    public int Seed => Options.Seed;
    public int EpochsRun => History.Count;

    public override string ToString() =>
        $"best epoch {BestEpoch}/{EpochsRun}: train MAE {TrainMae:G4}, val MAE {ValidationMae:G4}, test MAE {TestMae:G4}" +
        $"{(StoppedEarly ? " (stopped early)" : "")}{(Cancelled ? " (cancelled)" : "")}";
}
