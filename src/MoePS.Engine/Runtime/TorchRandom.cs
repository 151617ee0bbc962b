using TorchSharp;

namespace MoePS.Engine.Runtime;

/// <summary>
/// Seeded draws from torch's default generator. That generator is process-wide: when two threads
/// (two trainings in one PowerShell session, or parallel tests) seed it and draw from it at the same
/// time, their draws interleave and a run no longer depends only on its own seed.
/// </summary>
public static class TorchRandom
{
    static readonly object Gate = new();

    /// <summary>Seeds torch's generator with <paramref name="seed"/> and runs <paramref name="draw"/> with no other seeded draw in between.</summary>
    public static T Seeded<T>(long seed, Func<T> draw)
    {
        ArgumentNullException.ThrowIfNull(draw);
        lock (Gate)
        {
            torch.manual_seed(seed);
            return draw();
        }
    }

    /// <inheritdoc cref="Seeded{T}(long, Func{T})"/>
    public static void Seeded(long seed, Action draw)
    {
        ArgumentNullException.ThrowIfNull(draw);
        Seeded(seed, () => { draw(); return 0; });
    }
}
