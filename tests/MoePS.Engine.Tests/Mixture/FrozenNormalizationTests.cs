using MoePS.Engine.Models;
using MoePS.Engine.Models.Extractors;
using MoePS.Engine.Models.Formats;
using MoePS.Engine.Models.Mixture;
using MoePS.Engine.Runtime;
using MoePS.Engine.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MoePS.Engine.Tests.Mixture;

/// <summary>
/// The three BatchNorm modes of the frozen layers, checked against the plain CGCNN (<see cref="Cgcnn"/>, torch's own
/// BatchNorm1d) as the independent reference: Adapt must equal torch.optim.swa_utils.update_bn's re-estimate, Batch the
/// paper code's train-mode forward (rees-c/MoE main.py calls extractor.train() in every step).
/// </summary>
public class FrozenNormalizationTests : IClassFixture<MixtureFixture>
{
    static readonly string[] BatchNormStatistics = { "bn1.running_mean", "bn1.running_var", "bn2.running_mean", "bn2.running_var" };

    readonly MixtureFixture f;

    public FrozenNormalizationTests(MixtureFixture fixture) => f = fixture;

    Extractor[] Two => f.Extractors.Take(2).ToArray();

    static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && (a == b).all().item<bool>();

    static void AssertClose(Tensor expected, Tensor actual, string what, double tolerance = 1e-4) =>
        Assert.True(allclose(actual, expected, rtol: tolerance, atol: tolerance),
            $"{what}: largest difference {(actual - expected).abs().max().item<float>()}");

    /// <summary>The statistics of one conv layer, named as its state_dict names them.</summary>
    static Dictionary<string, Tensor> Statistics(ConvLayerWeights w) => new()
    {
        ["bn1.running_mean"] = w.Bn1RunningMean, ["bn1.running_var"] = w.Bn1RunningVar,
        ["bn2.running_mean"] = w.Bn2RunningMean, ["bn2.running_var"] = w.Bn2RunningVar,
    };

    /// <summary>The graph tensors of <paramref name="rows"/> as one batch, in row order, for <paramref name="extractor"/>.</summary>
    (GraphTensorSet Set, GraphBatch Batch) BatchOf(Extractor extractor, IEnumerable<int> rows)
    {
        var list = rows.ToList();
        var set = extractor.GraphTensors(list.Select(r => f.Graphs[r]).ToList(), list.Select(r => f.Ids[r]).ToList(), f.Cpu);
        return (set, set.All());
    }

    [Fact]
    public void AdaptChangesOnlyTheFrozenBatchNormStatistics()
    {
        var model = new MixtureModel(Two, new MixtureOptions { FrozenNormalization = FrozenNormalization.Adapt });
        var before = ModuleState.Copy(model.Network);
        var extractorsBefore = Two.Select(e => ModuleState.Copy(e.Model)).ToArray();
        var train = f.Dataset.Split!.Train;

        using var target = new MixtureTrainingTarget(model, f.Inputs, f.Cpu, new BatchNormAdaptation(train, 250));

        var after = model.Network.state_dict();
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        int changed = 0;
        foreach (var (key, value) in after)
        {
            bool frozenStatistic = key.StartsWith("frozen.", StringComparison.Ordinal) && key.Contains("_running_", StringComparison.Ordinal);
            if (frozenStatistic)
            {
                Assert.False(Same(before[key], value), $"{key} was not re-estimated");
                changed++;
            }
            else
            {
                Assert.True(Same(before[key], value), $"{key} changed");
            }
        }
        // 2 extractors stacked, 3 frozen convolutions, 4 statistics each (stacked over the extractors).
        Assert.Equal(3 * 4, changed);
        for (int i = 0; i < 2; i++)
            foreach (var (key, value) in Two[i].Model.state_dict())
                Assert.True(Same(extractorsBefore[i][key], value), $"extractor {Two[i].Name}: {key} changed");
    }

    [Fact]
    public void AdaptEqualsTheCumulativeAverageOfThePlainNetworksTrainModeStatistics()
    {
        var model = new MixtureModel(Two, new MixtureOptions { FrozenNormalization = FrozenNormalization.Adapt });
        var train = f.Dataset.Split!.Train;
        const int batchSize = 30; // 84 training rows: three batches of 30, 30 and 24
        using var target = new MixtureTrainingTarget(model, f.Inputs, f.Cpu, new BatchNormAdaptation(train, batchSize));

        for (int e = 0; e < 2; e++)
        {
            // The reference: torch's BatchNorm1d with momentum=None (a cumulative average), reset, one train-mode pass.
            using var reference = Two[e].Clone();
            var frozenBatchNorms = Enumerable.Range(0, 3).SelectMany(d => new[] { $"convs.{d}.bn1", $"convs.{d}.bn2" }).ToHashSet();
            foreach (var (name, module) in reference.Model.named_modules())
            {
                if (!frozenBatchNorms.Contains(name)) continue;
                var bn = (TorchSharp.Modules.BatchNorm1d)module;
                bn.momentum = null;
                bn.reset_running_stats();
            }
            reference.Model.train();
            using (no_grad())
            {
                foreach (var chunk in train.Chunk(batchSize))
                {
                    var (set, batch) = BatchOf(reference, chunk);
                    using (set)
                    using (batch)
                        reference.Model.AtomFeatures(batch, 3).Dispose();
                }
            }
            for (int d = 0; d < 3; d++)
            {
                var expected = reference.Model.Conv(d).state_dict();
                foreach (var (name, actual) in Statistics(model.Network.FrozenConvolutions!.Layer(e, d)))
                    AssertClose(expected[name], actual, $"{Two[e].Name} conv {d} {name}");
            }

            // The cached features are the frozen layers' eval-mode output with the re-estimated statistics.
            reference.Model.eval();
            var (all, allBatch) = BatchOf(reference, Enumerable.Range(0, f.Graphs.Count));
            using (all)
            using (allBatch)
            using (no_grad())
                AssertClose(reference.Model.AtomFeatures(allBatch, 3), target.FrozenAtomFeatures(e), $"{Two[e].Name} cached features");
        }
    }

    [Fact]
    public void BatchReproducesThePaperCodesTrainModeForwardAndStatistics()
    {
        var model = new MixtureModel(Two, new MixtureOptions { FrozenNormalization = FrozenNormalization.Batch });
        using var target = new MixtureTrainingTarget(model, f.Inputs, f.Cpu);
        target.SetTraining(true);
        var rows = f.Dataset.Split!.Train.Take(40).ToArray();

        for (int e = 0; e < 2; e++)
        {
            // One training-mode forward of extractor e alone, and the same through the plain CGCNN in train mode.
            var features = target.ExtractorFeatures(rows, e);
            using var reference = Two[e].Clone();
            reference.Model.train();
            var (set, batch) = BatchOf(reference, rows);
            using (set)
            using (batch)
            using (no_grad())
            {
                var expected = reference.Model.CrystalFeature(batch);
                AssertClose(expected, tensor(features.SelectMany(r => r).ToArray()).view(rows.Length, -1), $"{Two[e].Name} features");
            }
            for (int d = 0; d < 4; d++)
            {
                var layer = d < 3 ? model.Network.FrozenConvolutions!.Layer(e, d) : model.Network.FineTunedLayer(e, 0);
                var expected = reference.Model.Conv(d).state_dict();
                var source = Two[e].Model.Conv(d).state_dict();
                foreach (var (name, actual) in Statistics(layer))
                {
                    AssertClose(expected[name], actual, $"{Two[e].Name} conv {d} {name}");
                    Assert.False(Same(source[name], actual), $"{Two[e].Name} conv {d} {name} kept the source statistics");
                }
            }
        }
    }

    [Fact]
    public void BatchPredictsWithTheRunningStatisticsItLearned()
    {
        var model = new MixtureModel(new[] { f.Extractors[0] }, new MixtureOptions { FrozenNormalization = FrozenNormalization.Batch });
        var sourceBefore = ModuleState.Copy(f.Extractors[0].Model);
        var trained = MixtureTraining.Train(model, f.Dataset, new TrainingOptions { Epochs = 3, Seed = 1 }, f.Cpu);
        foreach (var (key, value) in f.Extractors[0].Model.state_dict())
            Assert.True(Same(sourceBefore[key], value), $"the extractor's {key} changed");

        // Eval mode is the plain CGCNN in eval mode with the mixture's statistics and fine-tuned layer.
        using var reference = f.Extractors[0].Clone();
        var state = reference.Model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        for (int d = 0; d < 4; d++)
        {
            var layer = d < 3 ? trained.Network.FrozenConvolutions!.Layer(0, d) : trained.Network.FineTunedLayer(0, 0);
            foreach (var (name, value) in Statistics(layer)) state[$"convs.{d}.{name}"] = value;
            if (d == 3)
            {
                state["convs.3.fc_full.weight"] = layer.FcWeight;
                state["convs.3.fc_full.bias"] = layer.FcBias;
                state["convs.3.bn1.weight"] = layer.Bn1Weight;
                state["convs.3.bn1.bias"] = layer.Bn1Bias;
                state["convs.3.bn2.weight"] = layer.Bn2Weight;
                state["convs.3.bn2.bias"] = layer.Bn2Bias;
            }
        }
        CgcnnWeights.LoadStrict(reference.Model, state, "reference");
        reference.Model.eval();
        var rows = f.Dataset.Split!.Test;
        using var target = new MixtureTrainingTarget(trained, f.Inputs, f.Cpu);
        target.SetTraining(false);
        var (set, batch) = BatchOf(reference, rows);
        using (set)
        using (batch)
        using (no_grad())
            AssertClose(reference.Model.CrystalFeature(batch), tensor(target.ExtractorFeatures(rows, 0).SelectMany(r => r).ToArray()).view(rows.Length, -1),
                "eval-mode features");
    }

    [Theory]
    [InlineData(FrozenNormalization.Adapt)]
    [InlineData(FrozenNormalization.Batch)]
    public void SavedMixturesKeepTheirFrozenStatistics(FrozenNormalization mode)
    {
        var trained = MixtureTraining.Train(new MixtureModel(Two, new MixtureOptions { FrozenNormalization = mode }), f.Dataset,
            new TrainingOptions { Epochs = 2 }, f.Cpu);
        string folder = Directory.CreateTempSubdirectory("moeps-frozen").FullName;
        try
        {
            var crystals = f.InputsOf(Enumerable.Range(0, 15));
            string path = Path.Combine(folder, "m.moem");
            MixtureFile.Write(trained, path);
            var loaded = MixtureFile.Read(path, (_, _) => throw new InvalidOperationException("all extractors are embedded"));
            Assert.Equal(mode, loaded.Options.FrozenNormalization);
            Assert.Equal(trained.Predict(crystals, f.Cpu), loaded.Predict(crystals, f.Cpu));
            // The statistics differ from the source's, so a model that lost them would predict differently.
            var source = new MixtureModel(Two, new MixtureOptions { FrozenNormalization = mode });
            Assert.False(Same(source.Network.FrozenConvolutions!.Layer(0, 0).Bn2RunningMean, loaded.Network.FrozenConvolutions!.Layer(0, 0).Bn2RunningMean));
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Fact]
    public void SourceKeepsTheFormatAndIdentityNamesTheMode()
    {
        var source = new MixtureModel(Two, new MixtureOptions());
        Assert.Null(source.Network.FrozenConvolutions);
        Assert.DoesNotContain(source.Network.state_dict().Keys, k => k.StartsWith("frozen.", StringComparison.Ordinal));
        using var target = new MixtureTrainingTarget(source, f.InputsOf(Enumerable.Range(0, 5)), f.Cpu);
        Assert.Equal("Source", target.Identity["FrozenNormalization"]);
        // Frozen parameters never learn: only the fine-tuned layers, the gate and the heads are optimised.
        var batch = new MixtureModel(Two, new MixtureOptions { FrozenNormalization = FrozenNormalization.Batch });
        Assert.All(batch.Network.FrozenConvolutions!.parameters(), p => Assert.False(p.requires_grad));
        Assert.Equal(source.Network.FineTunedParameters().Count, batch.Network.FineTunedParameters().Count);
    }
}
