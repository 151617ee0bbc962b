using MoePS.Engine.Crystals;
using MoePS.Engine.Graphs;
using MoePS.Engine.Models;
using MoePS.Engine.Models.Experts;
using MoePS.Engine.Runtime;
using Xunit;

namespace MoePS.Engine.Tests.Models;

/// <summary>An expert that is not a CGCNN (as TensorNet: 128 wide, frozen, all pairs within 5 Å) through the contract.</summary>
public class ExpertContractTests
{
    /// <summary>Feature 0 of a crystal: how many neighbours within the radius its first atom was given; the rest zeros.</summary>
    sealed class PairCountingExpert : IExpert
    {
        public string Name => "pairs";
        public string Kind => "pair counter";
        public string Description => "neighbours within 5 Å";
        public int FeatureLength => 128;
        public GraphSettings? GraphSettings { get; } = new() { Radius = 5.0, MaxNeighbours = 64 };
        public string CacheKey => "pairs-test";

        public void CheckSupports(Crystal crystal) { }

        public float[][] Features(CrystalInputs crystals, ComputeDevice device) =>
            crystals.Graphs(GraphSettings!).Select(g =>
            {
                var feature = new float[FeatureLength];
                feature[0] = g.NeighbourDistance.Take(g.MaxNeighbours).Count(d => d <= GraphSettings!.Radius);
                return feature;
            }).ToArray();

        public void Dispose() { }
    }

    /// <summary>Rock salt NaCl (a = 5.64 Å): within 5 Å of an atom, 6 unlike at 2.82 Å, 12 like at 3.99 Å and 8 unlike at 4.88 Å.</summary>
    static Crystal RockSalt()
    {
        var lattice = new Lattice(new double[,] { { 5.64, 0, 0 }, { 0, 5.64, 0 }, { 0, 0, 5.64 } });
        var fcc = new[] { new[] { 0.0, 0, 0 }, new[] { 0.5, 0.5, 0 }, new[] { 0.5, 0, 0.5 }, new[] { 0, 0.5, 0.5 } };
        var sites = fcc.Select(f => new Site(Element.Parse("Na"), f, lattice.ToCartesian(f)))
            .Concat(fcc.Select(f => new[] { f[0] + 0.5, f[1], f[2] }).Select(f => new Site(Element.Parse("Cl"), f, lattice.ToCartesian(f))));
        return new Crystal("rock-salt", lattice, sites.ToList());
    }

    [Fact]
    public void FeaturesComeAtTheExpertsWidthFromGraphsBuiltWithItsOwnSettings()
    {
        var features = PropertyPredictor.Features(new PairCountingExpert(), new[] { RockSalt() }, ComputeDevice.Parse("cpu"));

        var feature = Assert.Single(features);
        Assert.Equal(("rock-salt", "pairs"), (feature.Id, feature.Extractor));
        Assert.Equal(128, feature.Feature.Length);
        Assert.Equal(6 + 12 + 8, feature.Feature[0]);
    }
}
