using System.IO.Compression;
using MoePS.Engine.Models.Extractors;
using MoePS.Engine.Models.Formats;
using MoePS.Engine.Models.Mixture;
using Xunit;
using MoePS.Engine.Models;

namespace MoePS.Engine.Tests.Models;

/// <summary>Entries of .moex and .moem files that inflate far past what they should are refused early, without being read into memory.</summary>
public class ZipBombTests
{
    const int Inflated = 64 << 20;   // 64 MiB of one repeated byte deflates to about 64 KiB

    static Extractor Load() => ExtractorFiles.Import(TestData.PathOf("extractors", "jarvis_eform.safetensors"));

    /// <summary>Replaces <paramref name="entry"/> with <paramref name="prefix"/> followed by <see cref="Inflated"/> bytes of <paramref name="filler"/>.</summary>
    static void Inflate(string zipPath, string entry, byte[] prefix, byte filler)
    {
        using var zip = ZipFile.Open(zipPath, ZipArchiveMode.Update);
        zip.GetEntry(entry)!.Delete();
        using var s = zip.CreateEntry(entry, CompressionLevel.Fastest).Open();
        s.Write(prefix);
        var block = new byte[1 << 20];
        Array.Fill(block, filler);
        for (int i = 0; i < Inflated / block.Length; i++) s.Write(block);
    }

    static byte[] Entry(string zipPath, string entry)
    {
        using var zip = ZipFile.OpenRead(zipPath);
        using var s = zip.GetEntry(entry)!.Open();
        using var m = new MemoryStream();
        s.CopyTo(m);
        return m.ToArray();
    }

    /// <summary>Runs <paramref name="read"/>, which must fail, and returns its error and the bytes this thread allocated meanwhile.</summary>
    static (ExtractorFormatException Error, long Allocated) Refused(Action read)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ExtractorFormatException>(read);
        return (e, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void AManifestThatInflatesPastTheCapIsRefusedNamingFileAndEntry()
    {
        using var extractor = Load();
        using var temp = new TempFolder();
        string path = temp.File("bomb.moex");
        ExtractorBundle.Write(extractor, path);
        Inflate(path, "extractor.json", "{\"Format\": \"moeps-extractor\""u8.ToArray(), (byte)' ');
        Assert.True(new FileInfo(path).Length < 2 << 20, "the crafted bundle should be small on disk");

        var (e, allocated) = Refused(() => ExtractorBundle.Read(path));
        Assert.StartsWith(path + ":", e.Message);
        Assert.Contains("entry 'extractor.json' inflates to more than 8 MiB", e.Message);
        Assert.True(allocated < Inflated / 2, $"reading the bomb allocated {allocated} bytes");
    }

    [Fact]
    public void WeightsThatGoOnPastTheirHeaderAreRefusedNamingFileAndEntry()
    {
        using var extractor = Load();
        using var temp = new TempFolder();
        string path = temp.File("long.moex");
        ExtractorBundle.Write(extractor, path);
        Inflate(path, "weights.safetensors", Entry(path, "weights.safetensors"), 0);

        var (e, allocated) = Refused(() => ExtractorBundle.Read(path));
        Assert.StartsWith(path + ":weights.safetensors:", e.Message);
        Assert.Contains("goes on past the", e.Message);
        Assert.Contains("bytes its header declares", e.Message);
        Assert.True(allocated < Inflated / 2, $"reading the bomb allocated {allocated} bytes");
    }

    [Fact]
    public void AMixtureManifestThatInflatesPastTheCapIsRefusedNamingFileAndEntry()
    {
        using var extractor = Load();
        using var model = new MixtureModel(new[] { extractor }, new MixtureOptions());
        using var temp = new TempFolder();
        string path = temp.File("bomb.moem");
        MixtureFile.Write(model, path, includeExtractors: false);
        Inflate(path, "mixture.json", "{\"Format\": \"moeps-mixture\", \"PropertyName\": \""u8.ToArray(), (byte)'a');

        var (e, _) = Refused(() => MixtureFile.Read(path, (_, _) => extractor));
        Assert.StartsWith(path + ":", e.Message);
        Assert.Contains("entry 'mixture.json' inflates to more than 8 MiB", e.Message);
    }

    [Fact]
    public void ACappedStreamReadsUpToItsCapAndFailsPastIt()
    {
        // Entries are refused by their declared size first; the cap also holds when that size is wrong.
        byte[] data = new byte[1000];
        using (var exact = new CappedReadStream(new MemoryStream(data), 1000, () => new InvalidDataException("past the cap")))
            Assert.Equal(1000, ReadAll(exact));
        using var over = new CappedReadStream(new MemoryStream(data), 999, () => new InvalidDataException("past the cap"));
        Assert.Equal("past the cap", Assert.Throws<InvalidDataException>(() => ReadAll(over)).Message);
    }

    static long ReadAll(Stream s)
    {
        using var m = new MemoryStream();
        s.CopyTo(m, 64);
        return m.Length;
    }
}
