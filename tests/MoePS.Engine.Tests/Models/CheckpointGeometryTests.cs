using System.IO.Compression;
using MoePS.Engine.Models;
using MoePS.Engine.Models.Formats;
using Xunit;

namespace MoePS.Engine.Tests.Models;

/// <summary>
/// A .pth.tar whose pickle gives a tensor a size, stride or storage offset that does not fit its storage is refused,
/// naming the file and the tensor, before libtorch sees it (it used to raise a raw native error, or try to allocate 736 GB).
/// </summary>
public sealed class CheckpointGeometryTests : IDisposable
{
    readonly TempFolder temp = new();

    // embedding.weight in mp_eform.pth.tar: storage '0' of 5888 floats, then offset 0, size (64, 92), stride (92, 1).
    static readonly byte[] StorageLocation = { (byte)'c', (byte)'p', (byte)'u', (byte)'q', 10 };
    static readonly byte[] Storage = StorageLocation.Concat(new byte[] { (byte)'M', 0x00, 0x17 }).ToArray();
    static readonly byte[] Geometry = { (byte)'K', 0, (byte)'K', 64, (byte)'K', 92, 0x86, (byte)'q', 12, (byte)'K', 92, (byte)'K', 1, 0x86 };

    static byte[] Int(int value) => new[] { (byte)'J' }.Concat(BitConverter.GetBytes(value)).ToArray();
    static byte[] K(byte value) => new[] { (byte)'K', value };

    static byte[] GeometryOf(byte[] offset, byte[] size0, byte[] stride0) =>
        offset.Concat(size0).Concat(K(92)).Concat(new byte[] { 0x86, (byte)'q', 12 }).Concat(stride0).Concat(K(1)).Append((byte)0x86).ToArray();

    string Edited(byte[] find, byte[] replacement)
    {
        string path = temp.File("mp_eform.pth.tar");
        File.Copy(TestData.PathOf("extractors", "pytorch", "mp_eform.pth.tar"), path, overwrite: true);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
        var entry = zip.GetEntry("archive/data.pkl")!;
        byte[] pickle;
        using (var s = entry.Open())
        using (var m = new MemoryStream())
        {
            s.CopyTo(m);
            pickle = m.ToArray();
        }
        int at = pickle.AsSpan().IndexOf(find);
        Assert.True(at > 0 && pickle.AsSpan(at + 1).IndexOf(find) < 0, "the pattern is once in the pickle");
        entry.Delete();
        using var w = zip.CreateEntry("archive/data.pkl").Open();
        w.Write(pickle[..at].Concat(replacement).Concat(pickle[(at + find.Length)..]).ToArray());
        return path;
    }

    public static TheoryData<string, string> Hostile => new()
    {
        { "offset", "storage offset 200, size [64, 92] and stride [92, 1] need 6088 elements, more than the 5888 its storage holds" },
        { "huge size", "storage offset 0, size [2000000000, 92] and stride [92, 1] need 184000000000 elements, more than the 5888 its storage holds" },
        { "negative size", "size -64 is negative" },
        { "negative stride", "stride -92 is negative" },
        { "big stride", "storage offset 0, size [64, 92] and stride [1000, 1] need 63092 elements, more than the 5888 its storage holds" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void AViewOutsideItsStorageIsRefusedNamingTheFileAndTheTensor(string kind, string reason)
    {
        byte[] replacement = kind switch
        {
            "offset" => GeometryOf(K(200), K(64), K(92)),
            "huge size" => GeometryOf(K(0), Int(2_000_000_000), K(92)),
            "negative size" => GeometryOf(K(0), Int(-64), K(92)),
            "negative stride" => GeometryOf(K(0), K(64), Int(-92)),
            _ => GeometryOf(K(0), K(64), Int(1000)),
        };
        string path = Edited(Geometry, replacement);

        var e = Assert.Throws<ExtractorFormatException>(() => ExtractorFiles.Import(path));
        Assert.Equal($"{path}: tensor 'embedding.weight' cannot be read: {reason}.", e.Message);
    }

    [Fact]
    public void AStorageThatClaimsMoreElementsThanItsEntryHoldsIsRefused()
    {
        string path = Edited(Storage, StorageLocation.Concat(Int(1_000_000_000)).ToArray());
        var e = Assert.Throws<ExtractorFormatException>(() => ExtractorFiles.Import(path));
        Assert.Equal($"{path}: tensor 'embedding.weight' cannot be read: its storage 'archive/data/0' holds 23552 bytes, " +
            "not the 4000000000 of 1000000000 Float32 elements the pickle claims.", e.Message);
    }

    [Fact]
    public void TheUneditedCheckpointStillReads()
    {
        string path = Edited(Geometry, Geometry);
        using var checkpoint = PyTorchCheckpoint.Read(path);
        Assert.Equal(new long[] { 64, 92 }, checkpoint.StateDict["embedding.weight"].shape);
        Assert.Equal(929, checkpoint.Epoch);
    }

    public void Dispose() => temp.Dispose();
}
