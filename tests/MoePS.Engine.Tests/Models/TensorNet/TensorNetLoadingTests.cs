using MoePS.Engine.Crystals;
using MoePS.Engine.Models;
using MoePS.Engine.Models.Formats;
using MoePS.Engine.Models.TensorNet;
using Xunit;

namespace MoePS.Engine.Tests.Models.TensorNet;

/// <summary>Loading refuses what the port does not implement and files that are not this potential's.</summary>
public class TensorNetLoadingTests
{
    [Fact]
    public void ReadsTheHyperparametersOfTheMatPesPotential()
    {
        var architecture = TensorNetArchitecture.Read(Path.Combine(TensorNetGolden.Folder, TensorNetPotential.ModelFile));
        Assert.Equal(89, architecture.ElementTypes.Count);
        Assert.Equal(("H", "Pu"), (architecture.ElementTypes[0], architecture.ElementTypes[^1]));
        Assert.Equal((128, 2, 3, 5.0), (architecture.Units, architecture.Blocks, architecture.RadialFunctions, architecture.Cutoff));
    }

    [Theory]
    [InlineData("\"rbf_type\": \"SphericalBessel\"", "\"rbf_type\": \"Gaussian\"", "rbf_type")]
    [InlineData("\"use_smooth\": true", "\"use_smooth\": false", "use_smooth")]
    [InlineData("\"equivariance_invariance_group\": \"O(3)\"", "\"equivariance_invariance_group\": \"SO(3)\"", "equivariance_invariance_group")]
    [InlineData("\"is_intensive\": false", "\"is_intensive\": true", "is_intensive")]
    public void RefusesVariantsItDoesNotImplement(string original, string changed, string named)
    {
        using var folder = new TempFolder();
        string text = File.ReadAllText(Path.Combine(TensorNetGolden.Folder, TensorNetPotential.ModelFile));
        Assert.Contains(original, text);
        File.WriteAllText(folder.File(TensorNetPotential.ModelFile), text.Replace(original, changed, StringComparison.Ordinal));
        File.Copy(Path.Combine(TensorNetGolden.Folder, TensorNetPotential.StateFile), folder.File(TensorNetPotential.StateFile));
        var e = Assert.Throws<ExtractorFormatException>(() => TensorNetPotential.Load(folder.Path));
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesAnotherModelsCheckpoint()
    {
        using var folder = new TempFolder();
        File.Copy(Path.Combine(TensorNetGolden.Folder, TensorNetPotential.ModelFile), folder.File(TensorNetPotential.ModelFile));
        File.Copy(TestData.PathOf("extractors", "pytorch", "jarvis_bandgap.pth.tar"), folder.File(TensorNetPotential.StateFile));
        var e = Assert.Throws<ExtractorFormatException>(() => TensorNetPotential.Load(folder.Path));
        Assert.Contains("missing tensors", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NamesAnElementThePotentialDoesNotKnow()
    {
        using var potential = TensorNetPotential.Load(TensorNetGolden.Folder);
        var lattice = new Lattice(new double[,] { { 4, 0, 0 }, { 0, 4, 0 }, { 0, 0, 4 } });
        var polonium = new Crystal("Po", lattice, new[] { new Site(Element.Parse("Po"), new double[] { 0, 0, 0 }, new double[] { 0, 0, 0 }) });
        var e = Assert.Throws<UnsupportedElementException>(() => potential.CrystalFeatures(new[] { polonium }));
        Assert.Equal(84, e.AtomicNumber);
    }
}
