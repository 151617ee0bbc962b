using System.IO.Compression;
using System.Text;
using MoePS.Engine.Models;
using MoePS.Engine.Models.Extractors;
using MoePS.Engine.Models.Formats;
using MoePS.Engine.Models.Mixture;
using MoePS.Engine.Training;
using Xunit;

namespace MoePS.Engine.Tests.Models;

/// <summary>Files crafted to misuse the loaders are refused with messages that name the file and what was wrong.</summary>
public class HostileFileTests
{
    static Extractor Load(string name) => ExtractorFiles.Import(TestData.PathOf("extractors", name + ".safetensors"));

    /// <summary>A torch.save-style zip whose pickle is {'state_dict': os.system('echo pwned')}, in protocol-2 opcodes.</summary>
    static void WriteCheckpointCallingOsSystem(string path)
    {
        using var pickle = new MemoryStream();
        void Unicode(string s)
        {
            byte[] b = Encoding.UTF8.GetBytes(s);
            pickle.WriteByte((byte)'X');
            pickle.Write(BitConverter.GetBytes(b.Length));
            pickle.Write(b);
        }
        pickle.Write(new byte[] { 0x80, 2, (byte)'}' });   // PROTO 2, EMPTY_DICT
        Unicode("state_dict");
        pickle.Write("cos\nsystem\n"u8);                    // GLOBAL os.system
        Unicode("echo pwned");
        pickle.Write(new byte[] { 0x85, (byte)'R', (byte)'s', (byte)'.' });   // TUPLE1, REDUCE, SETITEM, STOP
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        using (var s = zip.CreateEntry("archive/data.pkl").Open()) s.Write(pickle.ToArray());
        using (var s = zip.CreateEntry("archive/version").Open()) s.Write("3\n"u8);
    }

    [Fact]
    public void ACheckpointWithPythonObjectsIsRefusedForSafetyNamingTheClass()
    {
        using var temp = new TempFolder();
        string path = temp.File("evil.pth.tar");
        WriteCheckpointCallingOsSystem(path);

        var e = Assert.Throws<ExtractorFormatException>(() => ExtractorFiles.Import(path));
        Assert.StartsWith(path + ":", e.Message);
        Assert.Contains("Python objects other than tensors and dictionaries", e.Message);
        Assert.Contains("os.system", e.Message);
        Assert.Contains("refused for safety", e.Message);
        Assert.DoesNotContain("IObjectConstructor", e.Message);
    }

    /// <summary>An untrained one-extractor mixture saved without its extractor, with mixture.json edited.</summary>
    static string SlimMixture(TempFolder temp, Extractor extractor, Func<string, string> editManifest)
    {
        using var model = new MixtureModel(new[] { extractor }, new MixtureOptions());
        string path = temp.File("m.moem");
        MixtureFile.Write(model, path, includeExtractors: false);
        ZipEntries.Replace(path, "mixture.json", editManifest);
        return path;
    }

    [Theory]
    [InlineData("../outside/jarvis_eform")]
    [InlineData("..")]
    [InlineData("/etc/jarvis_eform")]
    [InlineData("sub\\\\jarvis_eform")]
    public void AnExtractorNameWithAFolderPartIsRefusedBeforeAnyLookup(string name)
    {
        using var extractor = Load("jarvis_eform");
        using var temp = new TempFolder();
        string path = SlimMixture(temp, extractor, json => json.Replace("\"Name\": \"jarvis_eform\"", $"\"Name\": \"{name}\"", StringComparison.Ordinal));
        var looked = new List<string>();

        var e = Assert.Throws<ExtractorFormatException>(() => MixtureFile.Read(path, (n, _) => { looked.Add(n); return extractor; }));
        Assert.StartsWith(path + ":", e.Message);
        Assert.Contains($"extractor name '{name.Replace("\\\\", "\\", StringComparison.Ordinal)}'", e.Message);
        Assert.Contains("not a plain file name", e.Message);
        Assert.Empty(looked);
    }

    [Fact]
    public void AMixtureWhoseExtractorNameHasAFolderPartCanBeSavedOnlyWithItsExtractors()
    {
        using var extractor = Load("jarvis_eform");
        using var nested = extractor.Clone("lab/jarvis_eform");
        using var model = new MixtureModel(new[] { nested }, new MixtureOptions());
        using var temp = new TempFolder();
        var e = Assert.Throws<ArgumentException>(() => MixtureFile.Write(model, temp.File("slim.moem"), includeExtractors: false));
        Assert.Contains("'lab/jarvis_eform'", e.Message);
        Assert.Empty(Directory.GetFiles(temp.Path));

        MixtureFile.Write(model, temp.File("full.moem"));
        using var loaded = MixtureFile.Read(temp.File("full.moem"), (_, _) => throw new InvalidOperationException("embedded"));
        Assert.Equal("lab/jarvis_eform", loaded.Extractors[0].Name);
    }

    [Fact]
    public void AnImpossibleMixtureInTheManifestIsAnErrorNamingTheFile()
    {
        using var extractor = Load("jarvis_eform");
        using var temp = new TempFolder();
        string path = SlimMixture(temp, extractor, json => json.Replace("\"TopK\": 1", "\"TopK\": 4", StringComparison.Ordinal));

        var e = Assert.Throws<ExtractorFormatException>(() => MixtureFile.Read(path, (_, _) => extractor));
        Assert.StartsWith(path + ":", e.Message);
        Assert.Contains("mixture.json describes a mixture MoePS cannot build: TopK must be between 1 and the number of extractors (1); got 4.", e.Message);
        Assert.DoesNotContain("(Parameter", e.Message);
    }
}
