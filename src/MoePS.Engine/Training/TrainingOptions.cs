using MoePS.Engine.Settings;

namespace MoePS.Engine.Training;

/// <summary>
/// Settings of one training run. The defaults are the paper's recipe: Adam at 1e-2, batch 250,
/// cosine annealing over 1000 epochs, early stop after 500 epochs without a better validation MAE
/// (those that plans and benchmarks set are declared in <see cref="RunSettings"/>).
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>Epoch budget; also the cosine schedule's T_max.</summary>
    public int Epochs { get; init; } = RunSettings.Epochs.Default;

    /// <summary>Stop after this many epochs without a better validation MAE.</summary>
    public int Patience { get; init; } = RunSettings.Patience.Default;

    /// <summary>Mini-batch size; the whole training set when it is smaller. Also the evaluation batch size.</summary>
    public int BatchSize { get; init; } = RunSettings.BatchSize.Default;

    /// <summary>Base learning rate; each parameter group derives its own rate from it.</summary>
    public double LearningRate { get; init; } = RunSettings.LearningRate.Default;

    /// <summary>η_min of the cosine schedule: every group's rate anneals from its base rate to this one (torch's eta_min).</summary>
    public double MinimumLearningRate { get; init; }

    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    /// <summary>Momentum of SGD (unused by Adam).</summary>
    public double Momentum { get; init; } = 0.9;

    public double WeightDecay { get; init; }

    public int Seed { get; init; }

    /// <summary>Draw training rows with probability ∝ 1/count of their label bin (with replacement) instead of shuffling.</summary>
    public bool WeightedSampling { get; init; }

    /// <summary>Number of equal-width label bins of the weighted sampler.</summary>
    public int Bins { get; init; } = 30;

    /// <summary>File to save checkpoints to, or null for none.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>Save a checkpoint after every this many epochs (and when the run ends).</summary>
    public int CheckpointEvery { get; init; } = 10;

    /// <summary>Continue from <see cref="CheckpointPath"/> when that file exists.</summary>
    public bool Resume { get; init; }

    /// <summary>The batch size actually used for a training set of <paramref name="trainRows"/> rows.</summary>
    public int EffectiveBatchSize(int trainRows) => Math.Max(1, Math.Min(BatchSize, trainRows));

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that is out of range.</summary>
    public void Validate()
    {
        Require(Epochs >= 1, nameof(Epochs), Epochs, "at least 1");
        Require(Patience >= 1, nameof(Patience), Patience, "at least 1");
        Require(BatchSize >= 1, nameof(BatchSize), BatchSize, "at least 1");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), LearningRate, "a positive number");
        Require(MinimumLearningRate >= 0 && double.IsFinite(MinimumLearningRate), nameof(MinimumLearningRate), MinimumLearningRate, "zero or positive");
        Require(Momentum >= 0 && Momentum < 1, nameof(Momentum), Momentum, "in [0, 1)");
        Require(WeightDecay >= 0 && double.IsFinite(WeightDecay), nameof(WeightDecay), WeightDecay, "zero or positive");
        Require(Bins >= 1, nameof(Bins), Bins, "at least 1");
        Require(CheckpointEvery >= 1, nameof(CheckpointEvery), CheckpointEvery, "at least 1");
        if (Resume && string.IsNullOrWhiteSpace(CheckpointPath))
            throw new ArgumentException("Resume needs a checkpoint path.", nameof(CheckpointPath));
    }

    static void Require(bool ok, string name, object value, string expected)
    {
        if (!ok) throw new ArgumentException($"{name} must be {expected}, not {value}.", name);
    }
}
