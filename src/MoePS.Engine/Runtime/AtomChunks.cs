namespace MoePS.Engine.Runtime;

/// <summary>
/// How an eval-mode graph convolution splits a batch's atoms so that its per-edge tensors stay bounded. In eval mode a
/// CGCNN convolution is local to each atom (its update reads its own and its neighbours' features from the layer before,
/// and BatchNorm uses its running statistics), so the layer can run over ranges of atoms, each range's edge tensors
/// freed before the next, and give the same output: one crystal of 46,656 atoms would otherwise hold several GB of them.
/// Training (batch statistics, autograd) is never split.
/// </summary>
public static class AtomChunks
{
    /// <summary>
    /// Floats one per-edge tensor of a range may hold ([atoms × neighbours, channels]): 2²¹, 8 MB, e.g. 1,365 atoms
    /// with 12 neighbours and 128 channels (one CGCNN), 341 for four stacked extractors, 75 for eighteen. A range holds
    /// about seven such tensors at once (about 55 MB).
    /// </summary>
    public const long DefaultEdgeFloats = 1L << 21;

    static readonly AsyncLocal<AtomChunkLimit?> Current = new();

    /// <summary>The bound in force: <see cref="DefaultEdgeFloats"/> unless <see cref="Limit"/> set another here.</summary>
    public static long EdgeFloats => Current.Value?.EdgeFloats ?? DefaultEdgeFloats;

    /// <summary>
    /// Sets the bound to <paramref name="edgeFloats"/> floats for this thread's code (and the tasks it starts) until the
    /// result is disposed; <see cref="long.MaxValue"/> never splits. For tests and benchmarks that compare the two.
    /// </summary>
    public static AtomChunkLimit Limit(long edgeFloats)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(edgeFloats, 1);
        var scope = new AtomChunkLimit(edgeFloats, Current.Value);
        Current.Value = scope;
        return scope;
    }

    /// <summary>
    /// Ranges of atoms [Start, Start + Length) that cover <paramref name="atoms"/> in order, each with at most
    /// <see cref="EdgeFloats"/> / <paramref name="edgeFloatsPerAtom"/> atoms (at least one) and of nearly equal size; null
    /// when all atoms fit in one.
    /// </summary>
    /// <param name="atoms">Atoms of the batch.</param>
    /// <param name="edgeFloatsPerAtom">Floats per atom of the largest per-edge tensor (neighbours × channels).</param>
    public static (long Start, long Length)[]? Split(long atoms, long edgeFloatsPerAtom)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(edgeFloatsPerAtom, 1);
        var scope = Current.Value;
        long perRange = Math.Max(1, (scope?.EdgeFloats ?? DefaultEdgeFloats) / edgeFloatsPerAtom);
        if (atoms <= perRange) return null;
        scope?.CountSplit();
        long count = (atoms + perRange - 1) / perRange, size = atoms / count, larger = atoms % count;
        var ranges = new (long Start, long Length)[count];
        long start = 0;
        for (long r = 0; r < count; r++)
        {
            long length = size + (r < larger ? 1 : 0);
            ranges[r] = (start, length);
            start += length;
        }
        return ranges;
    }

    internal static void Restore(AtomChunkLimit? previous) => Current.Value = previous;
}

/// <summary>A bound set by <see cref="AtomChunks.Limit"/>; disposing it restores the one before.</summary>
public sealed class AtomChunkLimit : IDisposable
{
    readonly AtomChunkLimit? previous;
    int splits;

    internal AtomChunkLimit(long edgeFloats, AtomChunkLimit? previous)
    {
        EdgeFloats = edgeFloats;
        this.previous = previous;
    }

    /// <summary>Floats one per-edge tensor of a range may hold.</summary>
    public long EdgeFloats { get; }

    /// <summary>How many layer evaluations ran over more than one range of atoms under this bound.</summary>
    public int Splits => Volatile.Read(ref splits);

    internal void CountSplit() => Interlocked.Increment(ref splits);

    public void Dispose() => AtomChunks.Restore(previous);
}
