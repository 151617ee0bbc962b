using MoePS.Engine.Runtime;

namespace MoePS.Engine.Crystals;

/// <summary>
/// A reproducible random train/validation/test split. The rows are shuffled with Fisher–Yates driven by
/// SplitMix64 (Steele, Lea &amp; Flood 2014) seeded with the given seed, so a seed gives the same split on every
/// machine and .NET version. Sizes: train = ⌊n·trainFraction⌋, validation = ⌊n·validationFraction⌋, test = the rest.
/// </summary>
public static class RandomSplit
{
    public static DatasetSplit Create(int rows, int seed, double trainFraction = 0.7, double validationFraction = 0.15)
    {
        if (rows < 1) throw new ArgumentOutOfRangeException(nameof(rows), "Cannot split an empty dataset.");
        if (!(trainFraction > 0 && trainFraction <= 1)) throw new ArgumentOutOfRangeException(nameof(trainFraction), $"The train fraction must be in (0, 1], not {trainFraction}.");
        if (!(validationFraction >= 0 && trainFraction + validationFraction <= 1 + 1e-12))
            throw new ArgumentOutOfRangeException(nameof(validationFraction),
                $"The validation fraction must be ≥ 0 and train + validation ≤ 1 (got {trainFraction} + {validationFraction}).");
        var order = Enumerable.Range(0, rows).ToArray();
        // Modulo draws, not SplitMix64.Shuffle's unbiased ones: the splits stay those of earlier versions.
        var random = new SplitMix64((ulong)(long)seed);
        for (int i = rows - 1; i > 0; i--)
        {
            int j = (int)(random.NextUInt64() % (ulong)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }
        int train = (int)Math.Floor(rows * trainFraction);
        int validation = Math.Min((int)Math.Floor(rows * validationFraction), rows - train);
        return new DatasetSplit(order[..train], order[train..(train + validation)], order[(train + validation)..],
            FormattableString.Invariant($"random seed {seed}, {trainFraction:0.###}/{validationFraction:0.###}"));
    }
}
