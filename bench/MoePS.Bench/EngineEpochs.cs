using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;
using MoePS.Engine.Models.Extractors;
using MoePS.Engine.Models.Mixture;
using MoePS.Engine.Training;

namespace MoePS.Bench;

/// <summary>
/// One fresh training through the engine, in this process, with the settings the paper's code uses (seed 0, batch 250):
/// each epoch's seconds as the trainer records them, its page faults and its threads' time.
/// </summary>
internal static class EngineEpochs
{
    /// <summary>The paper code's STL settings (main_singletask.py): SGD, learning rate 0.02, momentum 0.9.</summary>
    public static TrainingOptions StlOptions(int epochs) =>
        new() { Epochs = epochs, Patience = epochs, BatchSize = 250, Seed = 0, Optimizer = OptimizerKind.SGD, LearningRate = 0.02, Momentum = 0.9 };

    /// <summary>The paper code's mixture and TL settings (main.py): Adam, learning rate 0.01 (0.005 for the fine-tuned layers).</summary>
    public static TrainingOptions MixtureTrainingOptions(int epochs) => new() { Epochs = epochs, Patience = epochs, BatchSize = 250, Seed = 0 };

    /// <summary>A CGCNN trained from scratch (STL).</summary>
    public static IReadOnlyList<EpochSample> Stl(CgcnnBenchData data, int epochs)
    {
        var costs = new EpochCosts();
        using var extractor = data.Train(StlOptions(epochs), costs);
        return costs.Samples(extractor.Training!.History);
    }

    /// <summary>A mixture's shape in words: "MoE, top 4 of 18 extractors" or "MoE-18 (all active)".</summary>
    public static string DescribeMixture(int? topK, int extractors) =>
        topK is { } k ? $"MoE, top {k} of {extractors} extractors" : $"MoE-{extractors} (all active)";

    /// <summary>A mixture of <paramref name="extractors"/> (one extractor: TL) with <paramref name="topK"/> active (null: all).</summary>
    public static IReadOnlyList<EpochSample> Mixture(IReadOnlyList<Extractor> extractors, int? topK, CrystalDataset dataset, GraphCache cache, int epochs)
    {
        var costs = new EpochCosts();
        using var model = new MixtureModel(extractors, new MixtureOptions { TopK = topK });
        using var trained = MixtureTraining.Train(model, dataset, MixtureTrainingOptions(epochs), CgcnnBenchData.Cpu, cache, costs);
        return costs.Samples(trained.Training!.History);
    }
}
