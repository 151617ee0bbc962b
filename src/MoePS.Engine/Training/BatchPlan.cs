using MoePS.Engine.Runtime;
namespace MoePS.Engine.Training;

/// <summary>
/// The order in which one epoch visits the training rows, cut into mini-batches: a shuffle of
/// the training rows, or a weighted draw of as many rows with replacement. Depends only on the
/// run's seed and the epoch, so an epoch replays identically after a resume.
/// </summary>
public static class BatchPlan
{
    const int ShuffleStream = 1;

    public static IReadOnlyList<int[]> ForEpoch(int[] trainRows, int batchSize, int seed, int epoch, WeightedSampler? sampler)
    {
        var rng = SplitMix64.For(seed, epoch, ShuffleStream);
        int[] order;
        if (sampler == null)
        {
            order = (int[])trainRows.Clone();
            rng.Shuffle(order);
        }
        else
        {
            order = sampler.Sample(rng, trainRows.Length).Select(p => trainRows[p]).ToArray();
        }
        return Chunk(order, batchSize);
    }

    /// <summary>Consecutive slices of at most <paramref name="batchSize"/> rows; the last may be smaller.</summary>
    public static IReadOnlyList<int[]> Chunk(int[] rows, int batchSize) => rows.Chunk(batchSize).ToArray();
}
