using MoePS.Engine.Models;
using MoePS.Engine.Models.GatedMessages;
using MoePS.Engine.Models.Mixture;
using MoePS.Engine.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using MoePS.Engine.Models.Formats;
using MoePS.Engine.Models.Extractors;

namespace MoePS.Engine.Tests.Mixture;

public class MixtureModelTests : IClassFixture<MixtureFixture>
{
    readonly MixtureFixture f;

    public MixtureModelTests(MixtureFixture fixture) => f = fixture;

    static TrainingOptions Short(int epochs = 4, int seed = 0) => new() { Epochs = epochs, Patience = 500, Seed = seed };

    [Fact]
    public void BeforeTrainingEachExtractorFeatureIsTheExtractorsOwnFeature()
    {
        // The stacked fine-tuned path on cached frozen features must reproduce each CGCNN exactly.
        var model = new MixtureModel(f.Extractors, new MixtureOptions());
        using var target = new MixtureTrainingTarget(model, f.Inputs, f.Cpu);
        target.SetTraining(false);
        using var _ = no_grad();
        var rows = Enumerable.Range(0, 20).ToArray();
        for (int i = 0; i < f.Extractors.Length; i++)
        {
            var expected = f.Extractors[i].Features(f.InputsOf(rows), f.Cpu);
            var actual = target.ExtractorFeatures(rows, i);
            for (int r = 0; r < rows.Length; r++)
                for (int k = 0; k < expected[r].Length; k++)
                    Assert.Equal(expected[r][k], actual[r][k], tolerance: 1e-5 * Math.Max(1, Math.Abs(expected[r][k])));
        }
    }

    [Fact]
    public void CachedFrozenFeaturesEqualRecomputedOnes()
    {
        var model = new MixtureModel(f.Extractors, new MixtureOptions { FineTuneLayers = 1 });
        using var target = new MixtureTrainingTarget(model, f.Inputs, f.Cpu);
        var e = f.Extractors[2];
        using var set = e.GraphTensors(f.Graphs, f.Ids, f.Cpu);
        using var batch = set.All();
        using var _ = no_grad();
        e.Model.eval();
        var recomputed = e.Model.AtomFeatures(batch, e.Architecture.ConvCount - 1);
        Assert.True(allclose(target.FrozenAtomFeatures(2), recomputed, rtol: 1e-6, atol: 1e-6));
    }

    [Fact]
    public void OnlyTheTopKExtractorsAreEvaluatedAndGetGradients()
    {
        var model = new MixtureModel(f.Extractors, new MixtureOptions { TopK = 2 });
        using (no_grad()) model.Network.Gate.Theta.copy_(tensor(new float[] { 0.5f, 3f, 0.2f, 2f, 1f }));
        using var target = new MixtureTrainingTarget(model, f.Inputs, f.Cpu);
        target.SetTraining(true);
        var rows = f.Dataset.Split!.Train.Take(30).ToArray();
        Assert.Equal(new[] { 1, 3 }, model.Network.Gate.ActiveIndices());

        Assert.Equal(new int[5], model.Network.FineTunedPasses());
        var loss = target.Forward(rows).pow(2).mean();
        Assert.Equal(new[] { 0, 1, 0, 1, 0 }, model.Network.FineTunedPasses());
        loss.backward();
        var grad = model.Network.FineTunedParameters()[0].grad!; // w_self of the stacked last layer, [m, 2F, F]
        for (int i = 0; i < 5; i++)
        {
            bool hasGradient = grad[i].abs().sum().item<float>() > 0;
            Assert.Equal(i is 1 or 3, hasGradient);
        }

        // Prediction runs them once more per chunk of crystals, and no other extractor.
        model.Predict(f.InputsOf(rows), f.Cpu);
        Assert.Equal(new[] { 0, 2, 0, 2, 0 }, model.Network.FineTunedPasses());
    }

    [Fact]
    public void TrainingChangesTheFineTunedLayersButNeverTheExtractors()
    {
        var before = f.Extractors.Select(e => e.Model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone())).ToArray();
        var model = new MixtureModel(f.Extractors, new MixtureOptions { TopK = 3 });
        var lastLayerBefore = model.Network.FineTunedLayer(0, 0).FcWeight.clone();

        var trained = MixtureTraining.Train(model, f.Dataset, Short(), f.Cpu);

        for (int i = 0; i < f.Extractors.Length; i++)
            foreach (var (key, value) in f.Extractors[i].Model.state_dict())
                Assert.True((value.cpu() == before[i][key].cpu()).all().item<bool>(), $"{f.Extractors[i].Name}.{key} changed");
        Assert.False((trained.Network.FineTunedLayer(0, 0).FcWeight == lastLayerBefore).all().item<bool>(), "the fine-tuned layer did not learn");
        // The untrained model passed in is left as it was.
        Assert.True((model.Network.FineTunedLayer(0, 0).FcWeight == lastLayerBefore).all().item<bool>());
        Assert.False(model.IsTrained);
        Assert.True(trained.IsTrained);
    }

    [Fact]
    public void DisposingTheTrainingTargetReleasesTheFusedLayersMemory()
    {
        using var fuse = GatedMessageSum.FuseFrom(1);
        var model = new MixtureModel(f.Extractors, new MixtureOptions { TopK = 3 });
        var layers = model.Network.modules().OfType<IFusedMessageLayer>().ToArray();
        Assert.NotEmpty(layers);
        using (var target = new MixtureTrainingTarget(model, f.Inputs, f.Cpu))
        {
            target.SetTraining(true);
            target.Forward(Enumerable.Range(0, 20).ToArray()).sum().backward();
            Assert.Contains(layers, l => l.Workspace.Capacity > 0);
        }
        Assert.All(layers, l => Assert.Equal(0, l.Workspace.Capacity));
    }

    [Fact]
    public void ScoresSumToOneWithExactlyKNonZeroAndRankedRows()
    {
        var trained = MixtureTraining.Train(new MixtureModel(f.Extractors, new MixtureOptions { TopK = 2 }), f.Dataset, Short(3), f.Cpu);
        var rows = trained.ExtractorScores();
        Assert.Equal(5, rows.Count);
        Assert.Equal(1.0, rows.Sum(r => r.Score), 6);
        Assert.Equal(2, rows.Count(r => r.Score > 0));
        Assert.Equal(2, rows.Count(r => r.Active));
        Assert.All(rows.Where(r => r.Active), r => Assert.True(r.Rank <= 2));
        Assert.Equal(Enumerable.Range(1, 5), rows.Select(r => r.Rank).OrderBy(x => x));
    }

    [Fact]
    public async Task HeadsFromASeedIgnoreDrawsFromTorchsGlobalGeneratorOnOtherThreads()
    {
        // Other threads (another training, a parallel test building a network) draw from torch's global generator.
        var model = new MixtureModel(f.Extractors.Take(2).ToArray(), new MixtureOptions { Aggregation = Aggregation.Ensemble });
        float[] Heads()
        {
            model.Network.ResetHeads(3);
            return model.Network.GateAndHeadParameters().SelectMany(p => p.detach().cpu().data<float>().ToArray()).ToArray();
        }
        var expected = Heads();
        using var stop = new CancellationTokenSource();
        int noiseCount = 0;
        var noise = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                using (rand(4096)) { }
                Interlocked.Increment(ref noiseCount);
            }
        });
        try
        {
            Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref noiseCount) > 10, TimeSpan.FromSeconds(10)), "the other thread never drew");
            for (int i = 0; i < 50; i++) Assert.Equal(expected, Heads());
        }
        finally
        {
            await stop.CancelAsync();
            await noise;
        }
    }

    [Fact]
    public void SameSeedGivesIdenticalResults()
    {
        var model = new MixtureModel(f.Extractors.Take(3).ToArray(), new MixtureOptions { TopK = 2 });
        var a = MixtureTraining.Train(model, f.Dataset, Short(3, seed: 4), f.Cpu);
        var b = MixtureTraining.Train(model, f.Dataset, Short(3, seed: 4), f.Cpu);
        Assert.Equal(a.Training!.History.Select(h => h.ValidationMae), b.Training!.History.Select(h => h.ValidationMae));
        Assert.Equal(a.Scores(), b.Scores());
    }

    [Theory]
    [InlineData(Aggregation.Add)]
    [InlineData(Aggregation.Concat)]
    [InlineData(Aggregation.Ensemble)]
    public void EveryAggregationTrainsAndBeatsPredictingTheMean(Aggregation aggregation)
    {
        var trained = MixtureTraining.Train(new MixtureModel(f.Extractors, new MixtureOptions { TopK = 3, Aggregation = aggregation }),
            f.Dataset, Short(30), f.Cpu);
        var split = f.Dataset.Split!;
        double mean = split.Train.Select(i => f.Dataset.Entries[i].Target).Average();
        double baseline = split.Validation.Average(i => Math.Abs(f.Dataset.Entries[i].Target - mean));
        Assert.True(trained.ValMAE < baseline, $"{aggregation}: val MAE {trained.ValMAE} vs mean predictor {baseline}");
    }

    [Fact]
    public void SavedAndLoadedMixturePredictsBitIdentically()
    {
        var trained = MixtureTraining.Train(new MixtureModel(f.Extractors, new MixtureOptions { TopK = 2 }), f.Dataset, Short(3), f.Cpu);
        string folder = Directory.CreateTempSubdirectory("moeps-mix").FullName;
        try
        {
            var crystals = f.InputsOf(Enumerable.Range(0, 15));
            var expected = trained.Predict(crystals, f.Cpu);

            string full = Path.Combine(folder, "m.moem");
            MixtureFile.Write(trained, full);
            var loaded = MixtureFile.Read(full, (name, _) => throw new InvalidOperationException("all extractors are embedded"));
            Assert.Equal(expected, loaded.Predict(crystals, f.Cpu));
            Assert.Equal(trained.Scores(), loaded.Scores());
            Assert.Equal(trained.Training!.History.Count, loaded.Training!.History.Count);
            Assert.Equal(trained.TestMAE, loaded.TestMAE);

            string slim = Path.Combine(folder, "slim.moem");
            MixtureFile.Write(trained, slim, includeExtractors: false);
            Assert.True(new FileInfo(slim).Length < new FileInfo(full).Length / 2, "a mixture saved without extractors should not carry their weights");
            var byName = MixtureFile.Read(slim, (name, _) => f.Extractors.Single(e => e.Name == name));
            Assert.Equal(expected, byName.Predict(crystals, f.Cpu));

            var wrong = Assert.Throws<ExtractorFormatException>(() => MixtureFile.Read(slim, (name, _) => f.Extractors[0]));
            Assert.Contains("weights", wrong.Message);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Fact]
    public void RejectsImpossibleMixturesClearly()
    {
        Assert.Contains("at least one extractor", Assert.Throws<ArgumentException>(() => new MixtureModel(Array.Empty<Extractor>(), new MixtureOptions())).Message);
        Assert.Contains("TopK", Assert.ThrowsAny<ArgumentException>(() => new MixtureModel(f.Extractors, new MixtureOptions { TopK = 6 })).Message);
        Assert.Contains("TopK", Assert.ThrowsAny<ArgumentException>(() => new MixtureModel(f.Extractors, new MixtureOptions { TopK = 0 })).Message);
        Assert.Contains("more than once", Assert.Throws<ArgumentException>(() => new MixtureModel(new[] { f.Extractors[0], f.Extractors[0] }, new MixtureOptions())).Message);
        var unsplit = new MoePS.Engine.Crystals.CrystalDataset("x", "y", null, f.Dataset.Entries);
        Assert.Contains("Split-CrystalDataset", Assert.Throws<ArgumentException>(() =>
            MixtureTraining.Train(new MixtureModel(f.Extractors, new MixtureOptions()), unsplit, Short(1), f.Cpu)).Message);
    }

    [Fact]
    public void ExtractorsOfDifferentFeatureSizesMixByConcatOrEnsembleButNotAdd()
    {
        var small = new Extractor("small-32", new Cgcnn(CgcnnArchitecture.Default with { AtomFeatureLength = 32 }), f.Extractors[0].Elements,
            f.Extractors[0].GraphSettings, Normaliser.Identity, new SourceTask("random", "randomly initialised test network", null, null),
            new ExtractorMetrics(null), new ExtractorProvenance("test"));
        var mixed = new[] { f.Extractors[0], small };
        var add = Assert.Throws<ArgumentException>(() => new MixtureModel(mixed, new MixtureOptions { Aggregation = Aggregation.Add }));
        Assert.Contains("small-32=32", add.Message);
        Assert.Contains("Concat", add.Message);
        foreach (var aggregation in new[] { Aggregation.Concat, Aggregation.Ensemble })
        {
            var trained = MixtureTraining.Train(new MixtureModel(mixed, new MixtureOptions { Aggregation = aggregation }), f.Dataset, Short(2), f.Cpu);
            Assert.Equal(2, trained.Network.Groups.Count);
            Assert.True(double.IsFinite(trained.ValMAE!.Value));
        }
    }
}
