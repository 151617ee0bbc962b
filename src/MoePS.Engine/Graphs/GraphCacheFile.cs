using System.Buffers.Binary;
using System.Security.Cryptography;

namespace MoePS.Engine.Graphs;

/// <summary>
/// The binary format of one cached graph (little-endian):
/// magic "MOEPSGRF", int32 version, 32-byte content key, int32 atoms, int32 max neighbours,
/// int32[atoms] atomic numbers, int32[atoms×M] neighbour indices, float64[atoms×M] distances,
/// then the SHA-256 of all preceding bytes. A file of the wrong length, magic, version, key
/// or checksum is rejected, so truncated or damaged entries are never used.
/// </summary>
public static class GraphCacheFile
{
    static ReadOnlySpan<byte> Magic => "MOEPSGRF"u8;
    const int Version = 1;
    const int HeaderLength = 8 + 4 + 32 + 4 + 4;
    const int ChecksumLength = 32;

    public static byte[] Encode(CrystalGraph graph, byte[] key)
    {
        int n = graph.AtomCount, edges = graph.NeighbourIndex.Length;
        var bytes = new byte[HeaderLength + 4 * n + 12 * edges + ChecksumLength];
        var span = bytes.AsSpan();
        Magic.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[8..], Version);
        key.CopyTo(span[12..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[44..], n);
        BinaryPrimitives.WriteInt32LittleEndian(span[48..], graph.MaxNeighbours);
        int at = HeaderLength;
        foreach (int z in graph.AtomicNumbers) { BinaryPrimitives.WriteInt32LittleEndian(span[at..], z); at += 4; }
        foreach (int j in graph.NeighbourIndex) { BinaryPrimitives.WriteInt32LittleEndian(span[at..], j); at += 4; }
        foreach (double d in graph.NeighbourDistance) { BinaryPrimitives.WriteDoubleLittleEndian(span[at..], d); at += 8; }
        SHA256.HashData(span[..at], span[at..]);
        return bytes;
    }

    /// <summary>The graph in <paramref name="bytes"/>, or null when they are not a valid entry for <paramref name="key"/>.</summary>
    public static CrystalGraph? Decode(ReadOnlySpan<byte> bytes, byte[] key)
    {
        if (bytes.Length < HeaderLength + ChecksumLength || !bytes[..8].SequenceEqual(Magic)
            || BinaryPrimitives.ReadInt32LittleEndian(bytes[8..]) != Version || !bytes.Slice(12, 32).SequenceEqual(key))
            return null;
        int n = BinaryPrimitives.ReadInt32LittleEndian(bytes[44..]), m = BinaryPrimitives.ReadInt32LittleEndian(bytes[48..]);
        if (n <= 0 || m <= 0 || (long)HeaderLength + 4L * n + 12L * n * m + ChecksumLength != bytes.Length) return null;
        int body = bytes.Length - ChecksumLength;
        Span<byte> checksum = stackalloc byte[ChecksumLength];
        SHA256.HashData(bytes[..body], checksum);
        if (!checksum.SequenceEqual(bytes[body..])) return null;

        var z = new int[n];
        var index = new int[n * m];
        var distance = new double[n * m];
        int at = HeaderLength;
        for (int i = 0; i < z.Length; i++, at += 4) z[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes[at..]);
        for (int i = 0; i < index.Length; i++, at += 4) index[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes[at..]);
        for (int i = 0; i < distance.Length; i++, at += 8) distance[i] = BinaryPrimitives.ReadDoubleLittleEndian(bytes[at..]);
        return new CrystalGraph(z, index, distance, m);
    }
}
