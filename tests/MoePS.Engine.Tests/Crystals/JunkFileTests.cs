using System.IO.Compression;
using MoePS.Engine.Crystals;
using Xunit;

namespace MoePS.Engine.Tests.Crystals;

/// <summary>
/// Junk is refused from its first bytes: the memory a read allocates stays far below the file's size (before, a
/// 200 MB junk file cost 1.1–1.9 GB before its error).
/// </summary>
public class JunkFileTests
{
    const int Size = 4 << 20;

    static (CrystalFormatException Error, long Allocated) Read(string path)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<CrystalFormatException>(() => StructureFile.Read(path).ToList());
        return (e, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    static string WriteRandom(TempFolder tmp, string name, bool gzip = false)
    {
        var bytes = new byte[Size];
        new Random(42).NextBytes(bytes);
        string path = Path.Combine(tmp.Path, name);
        using var file = File.Create(path);
        using Stream target = gzip ? new GZipStream(file, CompressionLevel.Fastest) : file;
        target.Write(bytes);
        return path;
    }

    [Theory]
    [InlineData("junk.cif")]
    [InlineData("junk.json")]
    [InlineData("POSCAR")]
    [InlineData("junk.xyz")]
    [InlineData("junk")]
    public void RandomBytesAreRefusedAsBinaryWithoutReadingTheWholeFile(string name)
    {
        using var tmp = new TempFolder();
        var (e, allocated) = Read(WriteRandom(tmp, name));
        Assert.Contains(name, e.Message);
        Assert.Contains("binary data", e.Message);
        Assert.True(allocated < Size / 4, $"reading {Size} bytes of junk allocated {allocated} bytes");
    }

    [Fact]
    public void GzippedRandomBytesAreRefusedAsBinary()
    {
        using var tmp = new TempFolder();
        var (e, allocated) = Read(WriteRandom(tmp, "junk.cif.gz", gzip: true));
        Assert.Contains("binary data", e.Message);
        Assert.True(allocated < Size / 4, $"reading {Size} bytes of gzipped junk allocated {allocated} bytes");
    }

    [Fact]
    public void BinaryDataAfterAGoodStartIsRefusedAsItIsRead()
    {
        using var tmp = new TempFolder();
        string path = WriteRandom(tmp, "late.cif");
        using (var file = new FileStream(path, FileMode.Open)) file.Write("data_x\n#\n"u8);
        var (e, allocated) = Read(path);
        Assert.Contains("binary data", e.Message);
        Assert.True(allocated < Size / 4, $"allocated {allocated} bytes");
    }

    [Theory]
    [InlineData("text.cif", "not a CIF: the first line that is not a comment must open a data block")]
    [InlineData("text.json", "not a JSON object")]
    [InlineData("POSCAR", "not a POSCAR: line 1 is longer than")]
    [InlineData("text.xyz", "not an extended XYZ file")]
    public void TextThatDoesNotStartAsItsFormatMustIsRefusedFromItsHead(string name, string message)
    {
        using var tmp = new TempFolder();
        string path = tmp.Write(name, new string('x', Size));
        var (e, allocated) = Read(path);
        Assert.Contains(message, e.Message);
        Assert.True(allocated < Size / 4, $"reading {Size} characters of text allocated {allocated} bytes");
    }
}
