using MoePS.Engine.Graphs;
using MoePS.Engine.Models;
using MoePS.Engine.Runtime;
using Xunit;
using static TorchSharp.torch;
using MoePS.Engine.Models.Formats;
using MoePS.Engine.Models.Extractors;
using MoePS.Engine.Models.Golden;

namespace MoePS.Engine.Tests.Models;

/// <summary>The paper's extractors reproduce the reference PyTorch outputs (float32, eval mode) within 1e-4.</summary>
public class GoldenCgcnnTests
{
    const double Tolerance = GoldenReference.Tolerance;
    static readonly ComputeDevice Cpu = ComputeDevice.Parse("cpu");

    static Extractor Load(string name) => ExtractorFiles.Import(TestData.PathOf("extractors", name + ".safetensors"));

    static void AssertClose(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= Tolerance, $"{what}: expected {expected}, got {actual}");

    static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) AssertClose(expected[i], actual[i], $"{what}[{i}]");
    }

    [Theory]
    [InlineData("mp_eform")]
    [InlineData("mp_bandgap")]
    [InlineData("jarvis_eform")]
    public void FeaturesRawOutputsAndPredictionsMatchTheReference(string name)
    {
        using var extractor = Load(name);
        Assert.Equal(15, GoldenData.Structures.Count);
        Assert.Contains(name, GoldenData.Reference.Extractors);
        var deviation = GoldenData.Reference.Check(extractor, Cpu);
        Assert.Equal(15, deviation.Structures);
        Assert.True(deviation.Within(GoldenReference.Tolerance), $"{name}: {deviation}");
    }

    [Fact]
    public void OneStructureAtATimeGivesTheSameOutputsAsOneBatch()
    {
        using var extractor = Load("mp_eform");
        var golden = GoldenData.Structures.Where(g => g.Task == "jarvis_2d_exfoliation").ToList();
        Assert.Equal(5, golden.Count);
        var batched = extractor.Predict(golden.Select(g => g.Graph).ToList(), golden.Select(g => g.Crystal.Id).ToList(), Cpu);
        for (int i = 0; i < golden.Count; i++)
        {
            var single = extractor.Predict(new[] { golden[i].Graph }, new[] { golden[i].Crystal.Id }, Cpu);
            Assert.True(Math.Abs(batched[i] - single[0]) < 1e-6, $"{golden[i].Crystal.Id}: batch {batched[i]} vs single {single[0]}");
        }
    }

    [Fact]
    public void GraphBuilderGraphsGiveTheGoldenOutputs()
    {
        using var extractor = Load("mp_eform");
        var golden = GoldenData.Structures;
        var built = golden.Select(g => GraphBuilder.Build(g.Crystal, extractor.GraphSettings)).ToList();
        for (int i = 0; i < golden.Count; i++)
            Assert.Equal(golden[i].Graph.AtomCount, built[i].AtomCount);
        var predictions = extractor.Predict(built, golden.Select(g => g.Crystal.Id).ToList(), Cpu);
        for (int i = 0; i < golden.Count; i++)
            AssertClose(golden[i].Output("mp_eform").GetProperty("prediction").GetDouble(), predictions[i], golden[i].Crystal.Id);
    }

    [Fact]
    public void LayerByLayerTraceOfRowZeroMatches()
    {
        using var extractor = Load("mp_eform");
        var model = extractor.Model;
        model.eval();
        using var noGrad = no_grad();
        var traced = GoldenData.Structures.Where(s => s.Row == 0).ToList();
        Assert.Equal(new[] { "expt_eform", "jarvis_2d_exfoliation", "piezoelectric_tensor" }, traced.Select(s => s.Task).Order());
        foreach (var g in traced)
        {
            var trace = g.Json.GetProperty("debug_trace_mp_eform");
            using var set = extractor.GraphTensors(new[] { g.Graph }, new[] { g.Crystal.Id }, Cpu);
            using var scope = NewDisposeScope();
            var batch = set.All();
            for (int k = 0; k <= model.ConvCount; k++)
            {
                string key = k == 0 ? "embedding" : $"conv{k - 1}";
                var expected = trace.GetProperty(key).EnumerateArray().SelectMany(GoldenData.Floats).ToArray();
                AssertClose(expected, model.AtomFeatures(batch, k).data<float>().ToArray(), $"{g.Crystal.Id} {key}");
            }
            var pooled = Cgcnn.MeanPool(model.AtomFeatures(batch, model.ConvCount), batch);
            AssertClose(GoldenData.Floats(trace.GetProperty("pooled_mean")), pooled.data<float>().ToArray(), $"{g.Crystal.Id} pooled_mean");
            AssertClose(GoldenData.Floats(trace.GetProperty("fc_out")), model.Head(nn.functional.softplus(pooled)).data<float>().ToArray(), $"{g.Crystal.Id} fc_out");
        }
    }

    [Fact]
    public void ContinuingFromCachedAtomFeaturesEqualsTheFullPass()
    {
        using var extractor = Load("jarvis_eform");
        var model = extractor.Model;
        model.eval();
        using var noGrad = no_grad();
        var golden = GoldenData.Structures;
        using var set = extractor.GraphTensors(golden.Select(g => g.Graph).ToList(), golden.Select(g => g.Crystal.Id).ToList(), Cpu);
        using var scope = NewDisposeScope();
        var all = set.All();
        var cached = model.AtomFeatures(all, model.ConvCount - 1);
        var rows = new[] { 7, 2, 11 };
        var batch = set.Select(rows);
        var continued = Cgcnn.FeatureFromAtoms(model.ContinueConvs(cached.index_select(0, batch.AtomIndex), batch, model.ConvCount - 1), batch);
        Assert.True(continued.allclose(model.CrystalFeature(batch), 1e-5, 1e-6));
    }
}
