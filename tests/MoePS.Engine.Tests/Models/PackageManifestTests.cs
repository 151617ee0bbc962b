using MoePS.Engine.Models.Extractors;
using MoePS.Engine.Models.Formats;
using MoePS.Engine.Models.Mixture;
using Xunit;
using MoePS.Engine.Models;

namespace MoePS.Engine.Tests.Models;

/// <summary>The manifests of .moex and .moem files are read and checked the same way, and errors name the file.</summary>
public class PackageManifestTests
{
    static Extractor Load(string name) => ExtractorFiles.Import(TestData.PathOf("extractors", name + ".safetensors"));

    [Theory]
    [InlineData("\"moeps-extractor\"", "\"moeps-other\"", "format 'moeps-other', expected 'moeps-extractor'")]
    [InlineData("\"Version\": 1", "\"Version\": 99", "extractor bundle format version 99 is newer than this MoePS reads (1)")]
    [InlineData("\"Name\"", "\"Name\": [],\n  \"Unused\"", "extractor.json is not a valid extractor bundle manifest")]
    public void BundleManifestOfAnotherFormatOrANewerVersionIsRefused(string find, string replace, string expected)
    {
        using var extractor = Load("jarvis_eform");
        using var temp = new TempFolder();
        string path = temp.File("x.moex");
        ExtractorBundle.Write(extractor, path);
        ZipEntries.Replace(path, "extractor.json", json => ReplaceOnce(json, find, replace));

        var e = Assert.Throws<ExtractorFormatException>(() => ExtractorBundle.Read(path));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith(path + ":", e.Message);
    }

    [Theory]
    [InlineData("\"moeps-mixture\"", "\"moeps-other\"", "format 'moeps-other', expected 'moeps-mixture'")]
    [InlineData("\"Version\": 1", "\"Version\": 2", "mixture format version 2 is newer than this MoePS reads (1)")]
    public void MixtureManifestOfAnotherFormatOrANewerVersionIsRefused(string find, string replace, string expected)
    {
        using var extractor = Load("jarvis_eform");
        using var model = new MixtureModel(new[] { extractor }, new MixtureOptions());
        using var temp = new TempFolder();
        string path = temp.File("m.moem");
        MixtureFile.Write(model, path, includeExtractors: false);
        ZipEntries.Replace(path, "mixture.json", json => ReplaceOnce(json, find, replace));

        var e = Assert.Throws<ExtractorFormatException>(() => MixtureFile.Read(path, (_, _) => extractor));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith(path + ":", e.Message);
    }

    [Fact]
    public void AMixtureKeepsWhatItKnowsOfItsTrainingThroughCopyAndFile()
    {
        using var extractor = Load("jarvis_eform");
        using var model = new MixtureModel(new[] { extractor }, new MixtureOptions())
        {
            Fit = new MixtureFit(new MoePS.Engine.Training.Normaliser(1.5, 0.25), "band gap", "eV", "gaps", IsTrained: true, Training: null),
        };
        using var copy = model.Copy();
        Assert.Equal(model.Fit, copy.Fit);

        using var temp = new TempFolder();
        MixtureFile.Write(model, temp.File("m.moem"), includeExtractors: false);
        using var loaded = MixtureFile.Read(temp.File("m.moem"), (_, _) => extractor);
        Assert.Equal(model.Fit, loaded.Fit);
        Assert.Equal("band gap", loaded.PropertyName);
        Assert.Equal(0.25, loaded.Normaliser.Std);
    }

    static string ReplaceOnce(string text, string find, string replace)
    {
        int at = text.IndexOf(find, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{find}' is not in the manifest");
        return text[..at] + replace + text[(at + find.Length)..];
    }
}
