using MoePS.Engine.Runtime;
namespace MoePS.Engine.Training;

/// <summary>
/// The paper's sampler for skewed labels: labels fall in equal-width bins over [min, max], each
/// sample is weighted 1/count of its bin, and draws are with replacement — so every non-empty
/// bin is drawn about equally often (like torch's WeightedRandomSampler with those weights).
/// </summary>
public sealed class WeightedSampler
{
    readonly double[] cumulative;

    public WeightedSampler(IReadOnlyList<double> labels, int bins)
    {
        if (bins < 1) throw new ArgumentOutOfRangeException(nameof(bins), bins, "At least one bin is needed.");
        if (labels.Count == 0) throw new ArgumentException("The sampler needs at least one label.", nameof(labels));
        if (labels.Any(double.IsNaN)) throw new ArgumentException("The sampler's labels must all be known (no NaN).", nameof(labels));

        Bins = bins;
        Minimum = labels.Min();
        Maximum = labels.Max();
        int[] binOf = labels.Select(BinIndex).ToArray();
        int[] counts = new int[bins];
        foreach (int b in binOf) counts[b]++;
        double[] weights = binOf.Select(b => 1.0 / counts[b]).ToArray();
        BinOf = binOf;
        BinCounts = counts;
        Weights = weights;

        cumulative = new double[weights.Length];
        double sum = 0;
        for (int i = 0; i < weights.Length; i++) cumulative[i] = sum += weights[i];
    }

    public int Bins { get; }
    public double Minimum { get; }
    public double Maximum { get; }

    /// <summary>The bin of each label.</summary>
    public IReadOnlyList<int> BinOf { get; }

    /// <summary>How many labels fall in each bin.</summary>
    public IReadOnlyList<int> BinCounts { get; }

    /// <summary>Each label's sampling weight, 1/count of its bin.</summary>
    public IReadOnlyList<double> Weights { get; }

    /// <summary>Bin of a value; the maximum belongs to the last bin.</summary>
    public int BinIndex(double value)
    {
        double width = Maximum - Minimum;
        if (width <= 0) return 0;
        int b = (int)((value - Minimum) / width * Bins);
        return Math.Clamp(b, 0, Bins - 1);
    }

    /// <summary>Draws <paramref name="count"/> positions (indices into the labels) with replacement.</summary>
    public int[] Sample(SplitMix64 rng, int count)
    {
        var picks = new int[count];
        double total = cumulative[^1];
        for (int i = 0; i < count; i++)
        {
            double u = rng.NextDouble() * total;
            int j = Array.BinarySearch(cumulative, u);
            // BinarySearch gives ~insertion point when u falls between entries: the first entry above u.
            j = j >= 0 ? j + 1 : ~j;
            picks[i] = Math.Min(j, cumulative.Length - 1);
        }
        return picks;
    }
}
