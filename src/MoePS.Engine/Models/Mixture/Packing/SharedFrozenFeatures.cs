using MoePS.Engine.Runtime;

namespace MoePS.Engine.Models.Mixture.Packing;

/// <summary>
/// The frozen features of a pack of mixtures of one shape on the same crystals. With
/// <see cref="FrozenNormalization.Source"/> (the extractors' own statistics) and <see cref="FrozenNormalization.Batch"/>
/// (only the embedding is cached) they are the same for every run, so they are computed once and shared. With
/// <see cref="FrozenNormalization.Adapt"/> each run re-estimates the frozen BatchNorm statistics on its own training
/// rows, and the features after the frozen convolutions depend on those statistics: the crystal graphs and the
/// embedding are shared, and each run propagates its own features from them.
/// </summary>
internal sealed class SharedFrozenFeatures : IDisposable
{
    readonly FrozenFeatures shared;
    readonly FrozenFeatures[] perRun;

    SharedFrozenFeatures(FrozenFeatures shared, FrozenFeatures[] perRun)
    {
        this.shared = shared;
        this.perRun = perRun;
    }

    /// <param name="models">The runs' mixtures (one shape), on <paramref name="device"/>.</param>
    /// <param name="crystals">The crystals, in dataset row order.</param>
    /// <param name="device">Where the features live.</param>
    /// <param name="adaptations">Each run's training rows, for Adapt.</param>
    public static SharedFrozenFeatures Compute(IReadOnlyList<MixtureModel> models, CrystalInputs crystals, ComputeDevice device,
        IReadOnlyList<BatchNormAdaptation> adaptations)
    {
        var first = models[0];
        if (!first.Network.AdaptsFrozenStatistics)
        {
            var features = FrozenFeatures.Compute(first.Extractors, first.Network, crystals, device);
            return new SharedFrozenFeatures(features, models.Select(_ => features).ToArray());
        }
        var embedded = FrozenFeatures.Extract(first.Extractors, first.Network, crystals, device, only: null);
        var adapted = new List<FrozenFeatures>();
        try
        {
            for (int r = 0; r < models.Count; r++) adapted.Add(embedded.Adapted(models[r].Network, adaptations[r], only: null, takeShared: false));
            return new SharedFrozenFeatures(embedded, adapted.ToArray());
        }
        catch
        {
            foreach (var f in adapted) f.Dispose();
            embedded.Dispose();
            throw;
        }
    }

    /// <summary>The features run <paramref name="run"/> trains on.</summary>
    public FrozenFeatures For(int run) => perRun[run];

    public void Dispose()
    {
        foreach (var f in perRun.Where(f => !ReferenceEquals(f, shared))) f.Dispose();
        shared.Dispose();
    }
}
