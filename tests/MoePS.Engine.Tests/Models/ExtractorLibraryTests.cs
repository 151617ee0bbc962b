using MoePS.Engine.Models;
using MoePS.Engine.Runtime;
using Xunit;
using MoePS.Engine.Models.Extractors;
using MoePS.Engine.Models.Library;

namespace MoePS.Engine.Tests.Models;

[Collection(EnvironmentCollection.Name)]
public class ExtractorLibraryTests
{
    static EnvironmentScope Environment(string dataPath, string cachePath, bool offline = true) => new EnvironmentScope()
        .Set(DataLocations.DataPathVariable, dataPath)
        .Set(DataLocations.CachePathVariable, cachePath)
        .Set(VerifiedDownload.OfflineVariable, offline ? "1" : null);

    [Fact]
    public void FindsAllEighteenPaperExtractorsInTheDataFolder()
    {
        using var cache = new TempFolder();
        using var env = Environment(TestData.Folder, cache.Path);
        Assert.Equal(18, PaperExtractors.Names.Count);
        Assert.Equal(PaperExtractors.Names, ExtractorLibrary.AvailableLocally());
        using var e = ExtractorLibrary.Load("MP_EFORM");
        Assert.Equal("mp_eform", e.Name);
        Assert.Equal(132752, e.TrainedOn);
        Assert.Equal("eV/atom", e.Unit);
        Assert.Equal(0.035592176020145416, e.ValMae!.Value, 12);
    }

    [Fact]
    public void FallsBackToThePyTorchCheckpointAndChecksItsHash()
    {
        using var data = new TempFolder();
        using var cache = new TempFolder();
        Directory.CreateDirectory(Path.Combine(data.Path, "extractors", "pytorch"));
        File.Copy(TestData.PathOf("atom_init.json"), data.File("atom_init.json"));
        File.Copy(TestData.PathOf("extractors", "pytorch", "jarvis_eform.pth.tar"), Path.Combine(data.Path, "extractors", "pytorch", "jarvis_eform.pth.tar"));
        File.Copy(TestData.PathOf("extractors", "pytorch", "mp_eform.pth.tar"), Path.Combine(data.Path, "extractors", "pytorch", "mp_bandgap.pth.tar"));
        using var env = Environment(data.Path, cache.Path);

        using var e = ExtractorLibrary.Load("jarvis_eform");
        Assert.Equal("JARVIS-DFT formation energy per atom (JARVIS Ef)", e.SourceTask.Description);
        var wrong = Assert.Throws<ExtractorFormatException>(() => ExtractorLibrary.Load("mp_bandgap"));
        Assert.Contains("SHA-256", wrong.Message);
    }

    [Fact]
    public void OfflineAndMissingSaysWhereToPutTheFiles()
    {
        using var data = new TempFolder();
        using var cache = new TempFolder();
        using var env = Environment(data.Path, cache.Path);
        var e = Assert.Throws<FileNotFoundException>(() => ExtractorLibrary.Load("mp_gvrh"));
        Assert.Contains("extractors/mp_gvrh.safetensors", e.Message);
        Assert.Contains(data.Path, e.Message);
        Assert.Contains(cache.Path, e.Message);
        Assert.Contains("https://raw.githubusercontent.com/rees-c/MoE/", e.Message);
    }

    [Fact]
    public void UnknownNameListsTheKnownOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => ExtractorLibrary.Load("mp_nonsense"));
        Assert.Contains("mp_nonsense", e.Message);
        Assert.Contains("jarvis_kvrh", e.Message);
    }

    [Fact]
    public void DownloadUrlsArePinnedToTheSnapshotCommitAndEscaped()
    {
        var entry = PaperExtractors.Find("mp_eform");
        Assert.Equal("https://raw.githubusercontent.com/rees-c/MoE/ea155e57095a656bcde72f8c35ac48ca7c53d2f3/cgcnn/data/saved_extractors/2022-01-26-15%3A48_singletask_eform_32hfealen_best_model.pth.tar",
            entry.DownloadUrl);
        Assert.Equal(64, entry.Sha256.Length);
    }
}
