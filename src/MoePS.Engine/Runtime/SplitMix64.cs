namespace MoePS.Engine.Runtime;

/// <summary>
/// A small deterministic random generator (SplitMix64). Its sequence depends only on the seed,
/// never on the .NET version, so shuffles and samples replay exactly on resume.
/// </summary>
public sealed class SplitMix64
{
    ulong state;

    public SplitMix64(ulong seed) => state = seed;

    /// <summary>A generator for one purpose (<paramref name="stream"/>) in one epoch of a run with <paramref name="seed"/>.</summary>
    public static SplitMix64 For(int seed, int epoch, int stream) =>
        new(Mix(Mix(Mix((ulong)(uint)seed) ^ (ulong)(uint)epoch) ^ (ulong)(uint)stream));

    /// <summary>A 64-bit value derived from the seed and epoch, for seeding torch's own generator.</summary>
    public static long TorchSeed(int seed, int epoch) => (long)(For(seed, epoch, int.MaxValue).NextUInt64() >> 1);

    public ulong NextUInt64()
    {
        state += 0x9E3779B97F4A7C15UL;
        return Mix(state);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, maxExclusive), without modulo bias.</summary>
    public int NextInt(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        ulong bound = (ulong)maxExclusive;
        ulong limit = ulong.MaxValue - ulong.MaxValue % bound;
        ulong x;
        do x = NextUInt64(); while (x >= limit);
        return (int)(x % bound);
    }

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public void Shuffle<T>(T[] items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
