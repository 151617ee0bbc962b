using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using MoePS.Engine.Models.Extractors;
using MoePS.Engine.Models.Formats;
using MoePS.Engine.Models.Mixture;
using Xunit;
using static TorchSharp.torch;
using MoePS.Engine.Models;

namespace MoePS.Engine.Tests.Models;

/// <summary>Weights are checked on load: the sidecar's SHA-256, and no NaN or infinity in any format.</summary>
public class WeightVerificationTests
{
    /// <summary>A copy of a paper extractor (weights, sidecar, element table) in a temporary folder.</summary>
    static string CopyExtractor(TempFolder temp, string name)
    {
        File.Copy(TestData.PathOf("extractors", name + ".safetensors"), temp.File(name + ".safetensors"));
        File.Copy(TestData.PathOf("extractors", name + ".json"), temp.File(name + ".json"));
        File.Copy(TestData.PathOf("atom_init.json"), temp.File("atom_init.json"));
        return temp.File(name + ".safetensors");
    }

    static string Sha256(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))).ToLowerInvariant();

    static string RecordedSha256(string sidecar) => JsonNode.Parse(File.ReadAllText(sidecar))!["safetensors_sha256"]!.GetValue<string>();

    static void FlipByte(string path, long at)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        file.Position = at;
        int b = file.ReadByte();
        file.Position = at;
        file.WriteByte((byte)(b ^ 0x01));
    }

    [Fact]
    public void AFlippedBitInTheWeightsIsRefusedNamingFileAndBothHashes()
    {
        using var temp = new TempFolder();
        string weights = CopyExtractor(temp, "mp_eform");
        string expected = RecordedSha256(temp.File("mp_eform.json"));
        FlipByte(weights, new FileInfo(weights).Length - 4);   // the lowest mantissa bits of the last weight: still a finite number

        var e = Assert.Throws<ExtractorFormatException>(() => ExtractorFiles.Import(weights));
        Assert.StartsWith(weights + ":", e.Message);
        Assert.Contains(expected, e.Message);
        Assert.Contains(Sha256(weights), e.Message);
        Assert.Contains("mp_eform.json", e.Message);
    }

    [Fact]
    public void AVerifiedFileIsHashedAgainOnlyWhenItsSizeOrTimeChanges()
    {
        using var temp = new TempFolder();
        string weights = CopyExtractor(temp, "castelli_eform");
        ExtractorFiles.Import(weights).Dispose();

        // The in-process cache knows this version of the file (path, size, last write) as verified.
        var written = File.GetLastWriteTimeUtc(weights);
        FlipByte(weights, new FileInfo(weights).Length - 4);
        File.SetLastWriteTimeUtc(weights, written);
        ExtractorFiles.Import(weights).Dispose();

        // A rewrite that moves the time is checked again.
        File.SetLastWriteTimeUtc(weights, written.AddSeconds(2));
        Assert.Contains("SHA-256", Assert.Throws<ExtractorFormatException>(() => ExtractorFiles.Import(weights)).Message);
    }

    [Fact]
    public void ANaNWeightInSafetensorsIsRefusedNamingTheTensor()
    {
        using var temp = new TempFolder();
        string weights = CopyExtractor(temp, "mp_bandgap");
        var file = Safetensors.Read(weights);
        var tensors = file.Tensors.Select(t => t.Name == "conv_to_fc.weight" ? t with { Data = WithFirst(t.Data, float.NaN) } : t);
        File.WriteAllBytes(weights, Safetensors.Write(tensors, file.Metadata));
        // A consistent sidecar, as if the damaged weights had been published with their hash.
        string sidecar = temp.File("mp_bandgap.json");
        File.WriteAllText(sidecar, File.ReadAllText(sidecar).Replace(RecordedSha256(sidecar), Sha256(weights), StringComparison.Ordinal));

        var e = Assert.Throws<ExtractorFormatException>(() => ExtractorFiles.Import(weights));
        Assert.StartsWith(weights + ":", e.Message);
        Assert.Contains("tensor 'conv_to_fc.weight' holds 1 NaN or infinite value", e.Message);
    }

    [Fact]
    public void ANaNWeightInAPyTorchCheckpointIsRefusedNamingTheTensor()
    {
        using var temp = new TempFolder();
        string checkpoint = temp.File("mp_eform.pth.tar");
        File.Copy(TestData.PathOf("extractors", "pytorch", "mp_eform.pth.tar"), checkpoint);
        File.Copy(TestData.PathOf("atom_init.json"), temp.File("atom_init.json"));
        using (var zip = ZipFile.Open(checkpoint, ZipArchiveMode.Update))
        {
            // Storage 0 holds embedding.weight ([64, 92] float32, the only tensor of 23552 bytes).
            var entry = zip.GetEntry("archive/data/0")!;
            byte[] data;
            using (var s = entry.Open()) { using var m = new MemoryStream(); s.CopyTo(m); data = m.ToArray(); }
            Assert.Equal(64 * 92 * 4, data.Length);
            entry.Delete();
            using var w = zip.CreateEntry("archive/data/0", CompressionLevel.NoCompression).Open();
            w.Write(WithFirst(data, float.PositiveInfinity));
        }

        var e = Assert.Throws<ExtractorFormatException>(() => ExtractorFiles.Import(checkpoint));
        Assert.StartsWith(checkpoint + ":", e.Message);
        Assert.Contains("tensor 'embedding.weight' holds 1 NaN or infinite value", e.Message);
    }

    [Fact]
    public void ANaNWeightInABundleOrAMixtureFileIsRefusedNamingTheTensor()
    {
        using var temp = new TempFolder();
        using var extractor = ExtractorFiles.Import(TestData.PathOf("extractors", "jarvis_eform.safetensors"));
        using var damaged = extractor.Clone("damaged");
        using (no_grad()) damaged.Model.state_dict()["fc_out.bias"].fill_(float.NaN);
        ExtractorBundle.Write(damaged, temp.File("d.moex"));
        var bundle = Assert.Throws<ExtractorFormatException>(() => ExtractorBundle.Read(temp.File("d.moex")));
        Assert.Contains(temp.File("d.moex"), bundle.Message);
        Assert.Contains("tensor 'fc_out.bias' holds 1 NaN or infinite value", bundle.Message);

        using var mixture = new MixtureModel(new[] { extractor }, new MixtureOptions());
        using (no_grad()) mixture.Network.Gate.Theta.fill_(float.NegativeInfinity);
        MixtureFile.Write(mixture, temp.File("m.moem"));
        var moem = Assert.Throws<ExtractorFormatException>(() => MixtureFile.Read(temp.File("m.moem"), (_, _) => extractor));
        Assert.Contains(temp.File("m.moem"), moem.Message);
        Assert.Contains("tensor 'gate.theta' holds 1 NaN or infinite value", moem.Message);
    }

    static byte[] WithFirst(byte[] data, float value)
    {
        var copy = (byte[])data.Clone();
        BitConverter.GetBytes(value).CopyTo(copy, 0);
        return copy;
    }
}
