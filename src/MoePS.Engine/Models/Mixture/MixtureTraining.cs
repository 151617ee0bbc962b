using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;
using MoePS.Engine.Runtime;
using MoePS.Engine.Training;

namespace MoePS.Engine.Models.Mixture;

/// <summary>Trains a mixture on a split dataset with the paper's recipe.</summary>
public static class MixtureTraining
{
    /// <summary>
    /// Trains a copy of <paramref name="model"/> (the argument is left as it was, so one untrained
    /// model can be trained with several seeds). An untrained model's head is initialised from
    /// <see cref="TrainingOptions.Seed"/>, so the seed alone fixes the result on a given device. A
    /// <see cref="FrozenNormalization.Adapt"/> mixture first re-estimates its frozen BatchNorm statistics on the training rows.
    /// </summary>
    public static MixtureModel Train(MixtureModel model, CrystalDataset dataset, TrainingOptions options, ComputeDevice device,
        GraphCache? cache = null, IProgress<EpochReport>? progress = null, CancellationToken cancellation = default)
    {
        var split = dataset.Split ?? throw new ArgumentException(
            $"Dataset '{dataset.Name}' has no train/validation/test split; use Split-CrystalDataset first.", nameof(dataset));
        TorchRuntime.EnsureLoaded();
        var crystals = dataset.Entries.Select(e => e.Crystal).ToList();
        foreach (var c in crystals) model.CheckSupports(c);

        var trained = CopyToTrain(model, options.Seed);
        using var target = new MixtureTrainingTarget(trained, new CrystalInputs(crystals, cache, cancellation: cancellation), device,
            new BatchNormAdaptation(split.Train, options.EffectiveBatchSize(split.Train.Length)));
        var labels = dataset.Entries.Select(e => e.Target).ToArray();
        if (!model.IsTrained) target.StartGate(labels, split);
        var result = Trainer.Fit(target, labels, crystals, split, options, progress, cancellation);

        Record(trained, dataset, result);
        return trained;
    }

    /// <summary>The copy of <paramref name="model"/> that a run trains: an untrained model's head is drawn from the run's seed.</summary>
    internal static MixtureModel CopyToTrain(MixtureModel model, int seed)
    {
        var copy = model.Copy();
        if (!copy.IsTrained) copy.Network.ResetHeads(seed);
        return copy;
    }

    /// <summary>What a trained model keeps of its run: the normaliser, the task and the training result.</summary>
    internal static void Record(MixtureModel trained, CrystalDataset dataset, TrainingResult result) =>
        trained.Fit = new MixtureFit(result.Normaliser, dataset.TargetName, dataset.Unit, dataset.Name, IsTrained: true, result);
}
