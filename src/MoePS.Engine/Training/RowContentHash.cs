using System.Buffers.Binary;
using System.Security.Cryptography;
using MoePS.Engine.Crystals;

namespace MoePS.Engine.Training;

/// <summary>
/// Hashes of what some dataset rows hold, in row order: their structures (species, lattice, fractional coordinates)
/// or their targets, bit for bit. Row indices alone cannot tell a dataset from an edited copy with the same rows.
/// </summary>
internal static class RowContentHash
{
    /// <summary>The first 8 bytes of a SHA-256 over the rows' structures, as 16 hex digits.</summary>
    public static string Structures(IReadOnlyList<Crystal> crystals, int[] rows)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (int row in rows)
        {
            var crystal = crystals[row];
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++) Add(hash, crystal.Lattice[i, j]);
            Add(hash, crystal.AtomCount);
            foreach (var site in crystal.Sites)
            {
                Add(hash, site.Element.Number);
                foreach (double x in site.Fractional) Add(hash, x);
            }
        }
        return Hex(hash);
    }

    /// <summary>The first 8 bytes of a SHA-256 over the rows' targets, as 16 hex digits.</summary>
    public static string Targets(IReadOnlyList<double> targets, int[] rows)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (int row in rows) Add(hash, targets[row]);
        return Hex(hash);
    }

    static void Add(IncrementalHash hash, double value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, BitConverter.DoubleToInt64Bits(value));
        hash.AppendData(bytes);
    }

    static string Hex(IncrementalHash hash) => Convert.ToHexString(hash.GetHashAndReset().AsSpan(0, 8));
}
