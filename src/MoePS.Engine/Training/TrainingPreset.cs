namespace MoePS.Engine.Training;

/// <summary>Named training budgets: how long a run may train and how long it waits for a better validation MAE.</summary>
public enum TrainingPreset
{
    /// <summary>
    /// The paper's protocol, for reproducing it (Chang, Wang &amp; Ertekin, npj Comput. Mater. 8, 242 (2022), Methods): up to
    /// 1000 epochs, cosine annealing over 1000, early stop after 500 epochs without a better validation MAE.
    /// </summary>
    Paper,

    /// <summary>
    /// For users not reproducing the paper: up to 200 epochs, cosine annealing over 200, early stop after 50 without a better
    /// validation MAE (about a fifth of Paper's cost at most). Over five seeds on the paper's two smallest tasks it stayed
    /// within the seed-to-seed spread of Paper for STL, TL and MoE-18; on mid-sized tasks a mixture's best epoch can come
    /// late in the 200, so it may be cut short there (README, "Fast preset").
    /// </summary>
    Fast,
}

/// <summary>Applies a <see cref="TrainingPreset"/> to a run's options.</summary>
public static class TrainingPresets
{
    static readonly TrainingOptions Paper = new();

    /// <summary><paramref name="options"/> with the preset's epoch budget (also the schedule's length) and patience.</summary>
    public static TrainingOptions With(this TrainingOptions options, TrainingPreset preset)
    {
        ArgumentNullException.ThrowIfNull(options);
        return preset switch
        {
            TrainingPreset.Paper => options with { Epochs = Paper.Epochs, Patience = Paper.Patience },
            TrainingPreset.Fast => options with { Epochs = 200, Patience = 50 },
            _ => throw new ArgumentOutOfRangeException(nameof(preset), preset, "Unknown training preset."),
        };
    }
}
