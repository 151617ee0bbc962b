using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace MoePS.Engine.Crystals;

/// <summary>
/// A content key of a structure for on-disk caches: SHA-256 of a prefix naming what is cached, then a canonical binary
/// encoding of the structure (lattice matrix, then per site atomic number and fractional coordinates, all bit-exact,
/// little-endian). Two crystals with the same key give the same graph and the same features whatever their ids.
/// </summary>
public static class StructureKey
{
    public static byte[] Compute(Crystal crystal, string prefix)
    {
        int prefixLength = Encoding.UTF8.GetByteCount(prefix);
        int length = prefixLength + 9 * 8 + 4 + crystal.AtomCount * (4 + 3 * 8);
        var buffer = length <= 4096 ? stackalloc byte[length] : new byte[length];
        int at = Encoding.UTF8.GetBytes(prefix, buffer);
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 3; c++) at = Write(buffer, at, crystal.Lattice[r, c]);
        BinaryPrimitives.WriteInt32LittleEndian(buffer[at..], crystal.AtomCount); at += 4;
        foreach (var site in crystal.Sites)
        {
            BinaryPrimitives.WriteInt32LittleEndian(buffer[at..], site.Element.Number); at += 4;
            for (int k = 0; k < 3; k++) at = Write(buffer, at, site.Fractional[k]);
        }
        return SHA256.HashData(buffer);
    }

    /// <summary>The key as lowercase hex, used as a cache file name.</summary>
    public static string ToHex(byte[] key) => Convert.ToHexString(key).ToLowerInvariant();

    static int Write(Span<byte> buffer, int at, double value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(buffer[at..], BitConverter.DoubleToInt64Bits(value));
        return at + 8;
    }
}
