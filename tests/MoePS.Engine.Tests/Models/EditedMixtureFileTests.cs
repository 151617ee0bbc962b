using System.IO.Compression;
using System.Text.Json.Nodes;
using MoePS.Engine.Models;
using MoePS.Engine.Models.Extractors;
using MoePS.Engine.Models.Formats;
using MoePS.Engine.Models.Mixture;
using MoePS.Engine.Models.Experts;
using Xunit;

namespace MoePS.Engine.Tests.Models;

/// <summary>A .moem whose mixture.json (or a .moex whose extractor.json) was edited so that it would load and predict wrongly is refused, naming the file.</summary>
public sealed class EditedMixtureFileTests : IDisposable
{
    readonly TempFolder temp = new();
    readonly Extractor first = Load("jarvis_eform"), second = Load("mp_bandgap");

    static Extractor Load(string name) => ExtractorFiles.Import(TestData.PathOf("extractors", name + ".safetensors"));

    IExpert Resolve(string name, string? kind) => name == first.Name ? first : name == second.Name ? second : throw new ArgumentException(name);

    string Saved(bool includeExtractors, Func<JsonObject, JsonObject> edit)
    {
        using var model = new MixtureModel(new[] { first, second }, new MixtureOptions { TopK = 2 });
        string path = temp.File("m.moem");
        MixtureFile.Write(model, path, includeExtractors);
        ZipEntries.Replace(path, "mixture.json", json => edit(JsonNode.Parse(json)!.AsObject()).ToJsonString());
        return path;
    }

    static JsonObject SwapExtractors(JsonObject manifest)
    {
        var list = manifest["Extractors"]!.AsArray();
        var a = list[0]!.DeepClone();
        list[0] = list[1]!.DeepClone();
        list[1] = a;
        return manifest;
    }

    [Theory]
    [InlineData("NaN", "its std is NaN")]
    [InlineData(0.0, "its std is 0 ")]
    [InlineData(-1.5, "its std is -1.5 ")]
    [InlineData("Infinity", "its std is Infinity ")]
    public void ANormaliserThatCannotScaleIsRefused(object std, string reason)
    {
        string path = Saved(includeExtractors: false, m =>
        {
            m["Normaliser"]!["Std"] = std is string s ? JsonValue.Create(s) : JsonValue.Create((double)std);
            return m;
        });
        var e = Assert.Throws<ExtractorFormatException>(() => MixtureFile.Read(path, Resolve));
        Assert.StartsWith(path + ":", e.Message);
        Assert.Contains($"the normaliser in mixture.json cannot scale predictions: {reason}", e.Message);
    }

    [Fact]
    public void AnExtractorBundleWhoseNormaliserCannotScaleIsRefused()
    {
        string path = temp.File("x.moex");
        ExtractorBundle.Write(first, path);
        ZipEntries.Replace(path, "extractor.json", json =>
        {
            var manifest = JsonNode.Parse(json)!.AsObject();
            manifest["Normaliser"]!["Std"] = 0.0;
            return manifest.ToJsonString();
        });
        var e = Assert.Throws<ExtractorFormatException>(() => ExtractorFiles.Import(path));
        Assert.StartsWith(path + ":", e.Message);
        Assert.Contains("the normaliser in extractor.json cannot scale predictions: its std is 0 ", e.Message);
    }

    [Fact]
    public void ANormaliserWithANaNMeanIsRefused()
    {
        string path = Saved(includeExtractors: false, m =>
        {
            m["Normaliser"]!["Mean"] = "NaN";
            return m;
        });
        Assert.Contains("its mean is NaN", Assert.Throws<ExtractorFormatException>(() => MixtureFile.Read(path, Resolve)).Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ExtractorEntriesInAnotherOrderAreRefused(bool includeExtractors)
    {
        string path = Saved(includeExtractors, SwapExtractors);
        var e = Assert.Throws<ExtractorFormatException>(() => MixtureFile.Read(path, Resolve));
        Assert.StartsWith(path + ":", e.Message);
        Assert.Contains("are not the list, in the order, the mixture was saved with", e.Message);
        Assert.Contains("(mp_bandgap, jarvis_eform)", e.Message);
    }

    [Fact]
    public void AFileWithoutTheOrderHashLoadsAndItsEmbeddedEntriesStillKeepTheirPlaces()
    {
        string older = Saved(includeExtractors: true, m =>
        {
            m.Remove("ExtractorOrderSha256");
            return m;
        });
        using (var loaded = MixtureFile.Read(older, Resolve))
            Assert.Equal(new[] { "jarvis_eform", "mp_bandgap" }, loaded.Extractors.Select(x => x.Name));

        string swapped = Saved(includeExtractors: true, m =>
        {
            m.Remove("ExtractorOrderSha256");
            return SwapExtractors(m);
        });
        var e = Assert.Throws<ExtractorFormatException>(() => MixtureFile.Read(swapped, Resolve));
        Assert.Contains("extractor 'mp_bandgap' is entry 1 in mixture.json but was saved as entry extractors/01-mp_bandgap.moex", e.Message);
    }

    [Fact]
    public void ANetworkWithATensorTheMixtureDoesNotHaveIsRefused()
    {
        string path = Saved(includeExtractors: false, m => m);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            var entry = zip.GetEntry("network.safetensors")!;
            byte[] bytes;
            using (var s = entry.Open())
            using (var m = new MemoryStream())
            {
                s.CopyTo(m);
                bytes = m.ToArray();
            }
            var network = Safetensors.Read(bytes, "network");
            var extra = network.Tensors.Append(new SafetensorsTensor("gate.backdoor", "F32", new long[] { 1 }, new byte[4]));
            entry.Delete();
            using var replaced = zip.CreateEntry("network.safetensors").Open();
            replaced.Write(Safetensors.Write(extra));
        }
        var e = Assert.Throws<ExtractorFormatException>(() => MixtureFile.Read(path, Resolve));
        Assert.StartsWith(path + ":", e.Message);
        Assert.Contains("network.safetensors has tensors this mixture does not have: gate.backdoor.", e.Message);
    }

    [Fact]
    public void ASecondManifestEntryIsRefused()
    {
        string path = Saved(includeExtractors: false, m => m);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        using (var second = new StreamWriter(zip.CreateEntry("mixture.json").Open()))
            second.Write("{}");
        var e = Assert.Throws<ExtractorFormatException>(() => MixtureFile.Read(path, Resolve));
        Assert.StartsWith(path + ":", e.Message);
        Assert.Contains("the file has 2 entries named 'mixture.json'", e.Message);
    }

    [Fact]
    public void AnUneditedFileLoadsWithTheSameOrder()
    {
        using var model = new MixtureModel(new[] { first, second }, new MixtureOptions { TopK = 2 });
        MixtureFile.Write(model, temp.File("m.moem"), includeExtractors: false);
        using var loaded = MixtureFile.Read(temp.File("m.moem"), Resolve);
        Assert.Equal(new[] { "jarvis_eform", "mp_bandgap" }, loaded.Extractors.Select(x => x.Name));
    }

    public void Dispose()
    {
        first.Dispose();
        second.Dispose();
        temp.Dispose();
    }
}
