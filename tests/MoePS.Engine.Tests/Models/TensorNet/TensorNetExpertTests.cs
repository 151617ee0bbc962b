using MoePS.Engine.Models;
using MoePS.Engine.Models.Experts;
using MoePS.Engine.Models.Library;
using MoePS.Engine.Models.TensorNet;
using MoePS.Engine.Runtime;
using Xunit;
using static TorchSharp.torch;

namespace MoePS.Engine.Tests.Models.TensorNet;

/// <summary>The TensorNet potential as a frozen expert: found by name, its features the golden file's, cached on disk.</summary>
[Collection(EnvironmentCollection.Name)]   // sets the data folder variable, and one test changes libtorch's thread count
public class TensorNetExpertTests
{
    static readonly ComputeDevice Cpu = ComputeDevice.Parse("cpu");

    [Fact]
    public void TheLibraryFindsItByNameInTheDataFolder()
    {
        Environment.SetEnvironmentVariable(DataLocations.DataPathVariable, TestData.Folder);
        Assert.Contains("tensornet_matpes_pbe", ExpertLibrary.FrozenExpertsAvailable());
        using var expert = Assert.IsType<TensorNetExpert>(ExpertLibrary.Load("tensornet_matpes_pbe"));
        Assert.Equal(("tensornet_matpes_pbe", "TensorNet", 128), (expert.Name, expert.Kind, expert.FeatureLength));
        Assert.Null(expert.GraphSettings);
        Assert.Equal("BSD 3-Clause License", expert.Licence);
        Assert.StartsWith($"tensornet-{expert.WeightsSha256[..16]}", expert.CacheKey, StringComparison.Ordinal);
        Assert.Contains("neither one of the paper's extractors", Assert.Throws<ArgumentException>(() => ExpertLibrary.Load("no_such_expert")).Message);
    }

    [Fact]
    public void FeaturesAreTheReferenceFeatureComputedOnceThenReadFromTheCache()
    {
        using var temp = new TempFolder();
        using var expert = TensorNetExpert.Load(TensorNetGolden.Folder);
        var golden = TensorNetGolden.Structures.Take(4).ToList();
        var cache = new FeatureCache(temp.Path);
        var computed = expert.Features(new CrystalInputs(golden.Select(g => g.Crystal).ToList(), featureCache: cache), Cpu);

        for (int i = 0; i < golden.Count; i++)
        {
            var reference = golden[i].SinglePrecision.Feature;
            for (int j = 0; j < reference.Length; j++)
                Assert.True(Math.Abs(computed[i][j] - reference[j]) <= 1e-5 * Math.Max(1, Math.Abs(reference[j])), $"{golden[i].Label} feature {j}: {computed[i][j]} vs {reference[j]}");
            Assert.True(File.Exists(cache.PathOf(expert, golden[i].Crystal)));
        }
        // A damaged entry is recomputed; the others are read back bit for bit.
        File.WriteAllBytes(cache.PathOf(expert, golden[1].Crystal), new byte[] { 1, 2, 3 });
        var again = expert.Features(new CrystalInputs(golden.Select(g => g.Crystal).ToList(), featureCache: cache), Cpu);
        Assert.Equal(computed, again);
        Assert.Equal(computed[1], cache.TryLoad(expert, golden[1].Crystal));
    }

    [Fact]
    public void FeaturesAreTheSameBitsWhateverTheWorkersAndTheCallersTorchThreads()
    {
        using var potential = TensorNetPotential.Load(TensorNetGolden.Folder);
        var crystals = TensorNetGolden.Structures.Select(g => g.Crystal).ToList();
        int before = get_num_threads();
        try
        {
            set_num_threads(1);
            var one = potential.FeaturesEachAlone(crystals, 1);
            set_num_threads(3);
            var three = potential.FeaturesEachAlone(crystals, 3);
            Assert.Equal(3, get_num_threads());
            Assert.Equal(crystals.Count, one.Length);
            Assert.Equal(one, three);
        }
        finally
        {
            set_num_threads(before);
        }
    }

    [Fact]
    public void AnElementThePotentialLacksIsRefusedNamingTheCrystal()
    {
        using var expert = TensorNetExpert.Load(TensorNetGolden.Folder);
        var crystal = TensorNetGolden.Structures[0].Crystal;
        var og = new MoePS.Engine.Crystals.Crystal("with-og", crystal.Lattice,
            crystal.Sites.Select((s, i) => i == 0 ? new MoePS.Engine.Crystals.Site(MoePS.Engine.Crystals.Element.Parse("Og"), s.Fractional, s.Cartesian) : s).ToList());
        var e = Assert.Throws<UnsupportedElementException>(() => expert.CheckSupports(og));
        Assert.Contains("with-og", e.Message);
    }
}
