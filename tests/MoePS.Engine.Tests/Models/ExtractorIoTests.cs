using MoePS.Engine.Training;
using MoePS.Engine.Models;
using MoePS.Engine.Runtime;
using Xunit;
using MoePS.Engine.Models.Formats;
using MoePS.Engine.Models.Extractors;

namespace MoePS.Engine.Tests.Models;

public class ExtractorIoTests
{
    static readonly ComputeDevice Cpu = ComputeDevice.Parse("cpu");

    static string Weights(string name) => TestData.PathOf("extractors", name + ".safetensors");

    static byte[] StateBytes(Extractor e) => Safetensors.Write(CgcnnWeights.ToSafetensors(e.Model));

    static double[] GoldenPredictions(Extractor e)
    {
        var golden = GoldenData.Structures;
        return e.Predict(golden.Select(g => g.Graph).ToList(), golden.Select(g => g.Crystal.Id).ToList(), Cpu);
    }

    [Fact]
    public void SafetensorsPyTorchAndBundleImportsGiveIdenticalWeights()
    {
        using var fromSafetensors = ExtractorFiles.Import(Weights("mp_bandgap"));
        using var fromCheckpoint = ExtractorFiles.Import(TestData.PathOf("extractors", "pytorch", "mp_bandgap.pth.tar"));
        using var temp = new TempFolder();
        ExtractorBundle.Write(fromCheckpoint, temp.File("b.moex"));
        using var fromBundle = ExtractorFiles.Import(temp.File("b.moex"));

        Assert.Equal(StateBytes(fromSafetensors), StateBytes(fromCheckpoint));
        Assert.Equal(StateBytes(fromSafetensors), StateBytes(fromBundle));
        Assert.Equal(fromSafetensors.Normaliser, fromCheckpoint.Normaliser);
        Assert.Equal("mp_bandgap", fromCheckpoint.Name);
        Assert.Equal(fromSafetensors.SourceTask with { UnitNote = null }, fromCheckpoint.SourceTask with { UnitNote = null });
        Assert.Equal(fromSafetensors.Metrics.ValidationMae!.Value, fromCheckpoint.Metrics.ValidationMae!.Value, 6);
        Assert.Equal(fromSafetensors.Provenance.OriginalSha256, fromCheckpoint.Provenance.OriginalSha256);
    }

    [Fact]
    public void BundleRoundTripIsBitExact()
    {
        using var original = ExtractorFiles.Import(Weights("jarvis_eform"));
        using var temp = new TempFolder();
        ExtractorBundle.Write(original, temp.File("x.moex"));
        using var back = ExtractorBundle.Read(temp.File("x.moex"));

        Assert.Equal(StateBytes(original), StateBytes(back));
        Assert.Equal(original.Name, back.Name);
        Assert.Equal(original.Architecture, back.Architecture);
        Assert.Equal(original.GraphSettings, back.GraphSettings);
        Assert.Equal(original.Normaliser, back.Normaliser);
        Assert.Equal(original.SourceTask, back.SourceTask);
        Assert.Equal(original.Metrics, back.Metrics);
        Assert.Equal(original.Provenance.OriginalSha256, back.Provenance.OriginalSha256);
        Assert.Equal(original.Provenance.TrainingArgs, back.Provenance.TrainingArgs);
        Assert.True(original.Elements.ContentEquals(back.Elements));
        Assert.Equal(GoldenPredictions(original), GoldenPredictions(back));

        // Writing again over the same path replaces it atomically and leaves no temporary files.
        ExtractorBundle.Write(back, temp.File("x.moex"));
        Assert.Single(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void SafetensorsWriterReproducesThePaperFileTensors()
    {
        var file = Safetensors.Read(Weights("mp_eform"));
        var again = Safetensors.Read(Safetensors.Write(file.Tensors, file.Metadata), "rewritten");
        Assert.Equal(file.Tensors.Select(t => t.Name), again.Tensors.Select(t => t.Name));
        for (int i = 0; i < file.Tensors.Count; i++)
        {
            Assert.Equal(file.Tensors[i].Shape, again.Tensors[i].Shape);
            Assert.Equal(file.Tensors[i].Data, again.Tensors[i].Data);
        }
        Assert.Equal(54, file.Tensors.Count);
        Assert.Equal("I64", file.Tensors.Single(t => t.Name == "convs.0.bn1.num_batches_tracked").DType);
    }

    [Fact]
    public void TruncatedWeightFileGivesAClearError()
    {
        using var temp = new TempFolder();
        byte[] bytes = File.ReadAllBytes(Weights("mp_eform"));
        File.WriteAllBytes(temp.File("t.safetensors"), bytes[..(bytes.Length - 100)]);
        var e = Assert.Throws<ExtractorFormatException>(() => Safetensors.Read(temp.File("t.safetensors")));
        Assert.Contains("truncated", e.Message);
        Assert.Contains("t.safetensors", e.Message);

        File.WriteAllBytes(temp.File("short.safetensors"), bytes[..5]);
        Assert.Contains("too short", Assert.Throws<ExtractorFormatException>(() => Safetensors.Read(temp.File("short.safetensors"))).Message);
    }

    [Fact]
    public void CorruptHeaderGivesAClearError()
    {
        byte[] bytes = File.ReadAllBytes(Weights("mp_eform"));
        bytes[8] = (byte)'#';
        var e = Assert.Throws<ExtractorFormatException>(() => Safetensors.Read(bytes, "corrupt.safetensors"));
        Assert.Contains("not valid JSON", e.Message);
    }

    [Fact]
    public void WrongTensorShapeNamesTheTensor()
    {
        var file = Safetensors.Read(Weights("mp_eform"));
        var tensors = file.Tensors.Select(t => t.Name == "conv_to_fc.weight"
            ? t with { Shape = new long[] { 64, 32 } } : t).ToList();
        using var model = new Cgcnn(CgcnnArchitecture.Default);
        var e = Assert.Throws<ExtractorFormatException>(() => CgcnnWeights.LoadStrict(model, new SafetensorsFile(tensors, file.Metadata), "bad.safetensors"));
        Assert.Contains("conv_to_fc.weight", e.Message);
        Assert.Contains("[64, 32]", e.Message);
        Assert.Contains("[32, 64]", e.Message);

        var missing = file.Tensors.Where(t => t.Name != "fc_out.bias").ToList();
        Assert.Contains("fc_out.bias", Assert.Throws<ExtractorFormatException>(
            () => CgcnnWeights.LoadStrict(model, new SafetensorsFile(missing, file.Metadata), "m.safetensors")).Message);
    }

    [Fact]
    public void MissingSidecarSaysWhatIsMissing()
    {
        using var temp = new TempFolder();
        File.Copy(Weights("mp_eform"), temp.File("lonely.safetensors"));
        File.Copy(TestData.PathOf("atom_init.json"), temp.File("atom_init.json"));
        var e = Assert.Throws<FileNotFoundException>(() => ExtractorFiles.Import(temp.File("lonely.safetensors")));
        Assert.Contains("lonely.json", e.Message);
        Assert.Contains("sidecar", e.Message);
    }

    [Fact]
    public void CorruptCheckpointAndBundleGiveClearErrors()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.File("junk.pth.tar"), "definitely not a checkpoint");
        Assert.Contains("junk.pth.tar", Assert.Throws<ExtractorFormatException>(() => ExtractorFiles.Import(temp.File("junk.pth.tar"))).Message);

        byte[] checkpoint = File.ReadAllBytes(TestData.PathOf("extractors", "pytorch", "mp_eform.pth.tar"));
        File.WriteAllBytes(temp.File("cut.pth.tar"), checkpoint[..(checkpoint.Length / 2)]);
        Assert.Contains("cut.pth.tar", Assert.Throws<ExtractorFormatException>(() => ExtractorFiles.Import(temp.File("cut.pth.tar"))).Message);

        File.WriteAllBytes(temp.File("junk.moex"), new byte[] { 1, 2, 3, 4, 5 });
        Assert.Contains("bundle", Assert.Throws<ExtractorFormatException>(() => ExtractorFiles.Import(temp.File("junk.moex"))).Message);
    }

    [Fact]
    public void UnknownElementNamesCrystalAndElement()
    {
        using var extractor = ExtractorFiles.Import(Weights("mp_eform"));
        var g = GoldenData.Structures[0];
        var z = g.Graph.AtomicNumbers.ToArray();
        z[0] = 118;
        var graph = new MoePS.Engine.Graphs.CrystalGraph(z, g.Graph.NeighbourIndex, g.Graph.NeighbourDistance, g.Graph.MaxNeighbours);
        var e = Assert.Throws<UnsupportedElementException>(() => extractor.Predict(new[] { graph }, new[] { "weird-crystal" }, Cpu));
        Assert.Contains("weird-crystal", e.Message);
        Assert.Contains("Og", e.Message);
    }

    [Fact]
    public void UnknownElementNamesTheCrystalsFileSinceManyFilesMayShareAnId()
    {
        using var extractor = ExtractorFiles.Import(Weights("mp_eform"));
        var og = new MoePS.Engine.Crystals.Crystal("POSCAR", MoePS.Engine.Crystals.Lattice.FromParameters(5, 5, 5, 90, 90, 90),
            new[] { new MoePS.Engine.Crystals.Site(MoePS.Engine.Crystals.Element.FromNumber(118), new double[3], new double[3]) },
            source: "runs/17/POSCAR");
        var e = Assert.Throws<UnsupportedElementException>(() => extractor.CheckSupports(og));
        Assert.StartsWith("Crystal 'POSCAR' (runs/17/POSCAR) contains Og (Z=118)", e.Message);
    }
}
