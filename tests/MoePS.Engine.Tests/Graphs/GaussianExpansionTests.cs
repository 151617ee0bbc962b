using MoePS.Engine.Graphs;
using Xunit;

namespace MoePS.Engine.Tests.Graphs;

public class GaussianExpansionTests
{
    [Fact]
    public void ExpandsEveryEdgeOnTheCentreGrid()
    {
        var settings = GraphSettings.Default;
        var crystal = RandomCrystals.Make(RandomCrystals.Shape.General, 3);
        var graph = GraphBuilder.Build(crystal, settings);
        var features = GaussianExpansion.Expand(graph, settings);
        var centres = settings.GaussianCentres();
        Assert.Equal(41, centres.Length);
        Assert.Equal(crystal.AtomCount * settings.MaxNeighbours * 41, features.Length);
        for (int e = 0; e < graph.NeighbourDistance.Length; e++)
            for (int k = 0; k < centres.Length; k++)
            {
                double d = graph.NeighbourDistance[e] - centres[k];
                Assert.Equal((float)Math.Exp(-d * d / 0.04), features[e * 41 + k]);
            }
    }

    [Fact]
    public void PeaksAtItsCentreAndDecaysByTheWidth()
    {
        var centres = GraphSettings.Default.GaussianCentres();
        var output = new float[3 * centres.Length];
        GaussianExpansion.Expand(new[] { 2.0, 2.2, 9.0 }, centres, 0.2, output);
        Assert.Equal(1f, output[10]);                       // d = μ_10 = 2.0
        Assert.Equal((float)Math.Exp(-1), output[11], 6);   // one width away
        Assert.Equal(1f, output[41 + 11]);                  // d = 2.2 = μ_11 to the last bit
        Assert.Equal((float)Math.Exp(-25), output[2 * 41 + 40], 9); // padding distance 9 vs μ = 8
        Assert.Throws<ArgumentException>(() => GaussianExpansion.Expand(new[] { 1.0 }, centres, 0.2, new float[40]));
    }
}
