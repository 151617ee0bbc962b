using Xunit;
using System.Security.Cryptography;
using MoePS.Engine.Crystals;

namespace MoePS.Engine.Tests.Crystals;

public class NamedDatasetTests
{
    [Fact]
    public void MatbenchCatalogPinsEveryV01SetWithASha256()
    {
        Assert.Equal(13, MatbenchCatalog.All.Count);
        Assert.All(MatbenchCatalog.All, s =>
        {
            Assert.Matches("^[0-9a-f]{64}$", s.Sha256);
            Assert.Equal($"https://ml.materialsproject.org/projects/{s.Name}.json.gz", s.Url);
        });
        Assert.Equal(4, MatbenchCatalog.All.Count(s => !s.HasStructures));
    }

    [Fact]
    public void FindsAVerifiedFileInTheCache()
    {
        using var tmp = new TempFolder();
        string file = tmp.Write("cache/matbench/matbench_tiny.json.gz", "");
        using (var gz = new System.IO.Compression.GZipStream(File.Create(file), System.IO.Compression.CompressionLevel.Fastest))
        using (var w = new StreamWriter(gz))
            w.Write($$"""{"index": ["mb-tiny-1"], "columns": ["structure", "e"], "data": [[{{PymatgenJson.Cubic("Na", 4)}}, -1.0]]}""");
        string sha = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file))).ToLowerInvariant();
        var source = new DatasetSource("matbench_tiny", "http://127.0.0.1:9/matbench_tiny.json.gz", sha, "eV", true);

        string found = DatasetDownloader.Ensure(source, new[] { Path.Combine(tmp.Path, "data"), Path.Combine(tmp.Path, "cache") }, Path.Combine(tmp.Path, "cache"));
        Assert.Equal(file, found);
        Assert.Equal("mb-tiny-1", MatminerDatasetReader.Read(found).Dataset.Entries[0].Crystal.Id);
    }

    [Fact]
    public void RejectsACachedFileWithTheWrongHash()
    {
        using var tmp = new TempFolder();
        string file = tmp.Write("matbench/matbench_jdft2d.json.gz", "not the real file");
        var source = MatbenchCatalog.Find("matbench_jdft2d")!;
        var e = Assert.Throws<InvalidDataException>(() => DatasetDownloader.Ensure(source, new[] { tmp.Path }, tmp.Path));
        Assert.Contains(file, e.Message);
        Assert.Contains(source.Sha256, e.Message);
        Assert.Contains("delete it", e.Message);
    }

    [Fact]
    public void OfflineSaysWhereToPutTheFile()
    {
        using var tmp = new TempFolder();
        var source = new DatasetSource("matbench_x", "http://127.0.0.1:9/matbench_x.json.gz", new string('0', 64), null, true);
        var e = Assert.Throws<FileNotFoundException>(() => DatasetDownloader.Ensure(source, Array.Empty<string>(), tmp.Path));
        Assert.Contains(source.Url, e.Message);
        Assert.Contains(Path.Combine(tmp.Path, "matbench", "matbench_x.json.gz"), e.Message);
        Assert.Empty(Directory.GetFiles(tmp.Path, "*", SearchOption.AllDirectories)); // no partial file left
    }

    [Fact]
    public void NamesResolveToTaskFilesUnderTheDataPath()
    {
        string? saved = Environment.GetEnvironmentVariable(Runtime.DataLocations.DataPathVariable);
        Environment.SetEnvironmentVariable(Runtime.DataLocations.DataPathVariable, TestData.Folder);
        try
        {
            Assert.Equal(16, NamedDatasets.TaskKeys().Count);
            Assert.Contains("matbench_jdft2d", NamedDatasets.KnownNames());
            Assert.Equal(TestData.PathOf("tasks", "jarvis_2d_gap_tbmbj.json.gz"), NamedDatasets.Locate("jarvis_2d_gap_tbmbj"));
            var (ds, _) = NamedDatasets.Read("jarvis_2d_dielectric_tbmbj");
            Assert.Equal(120, ds.Count);
            Assert.Equal("dielectric tbmbj", ds.TargetName);
            var e = Assert.Throws<ArgumentException>(() => NamedDatasets.Locate("expt_bandgap"));
            Assert.Contains("expt_eform", e.Message);
            Assert.Throws<ArgumentException>(() => NamedDatasets.Locate("../etc/passwd"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(Runtime.DataLocations.DataPathVariable, saved);
        }
    }
}
