using MoePS.Engine.Models.Experts;
using MoePS.Engine.Models.Formats;
using MoePS.Engine.Crystals;
using MoePS.Engine.Models.Mixture;
using MoePS.Engine.Models.Mixture.Packing;
using MoePS.Engine.Models.TensorNet;
using MoePS.Engine.Tests.Models;
using MoePS.Engine.Training;
using Xunit;
using static TorchSharp.torch;

namespace MoePS.Engine.Tests.Mixture;

/// <summary>A TensorNet expert whose last interaction block the mixture fine-tunes (<see cref="TensorNetLastBlock.FineTuned"/>).</summary>
public class TensorNetFineTuningTests : IClassFixture<MixtureFixture>, IClassFixture<TensorNetExpertFixture>
{
    /// <summary>
    /// The block recomputed on several crystals at once from inputs computed one crystal at a time, against the expert's
    /// features of each crystal alone: float32 sums in another order.
    /// </summary>
    const double FeatureTolerance = 1e-5;

    static readonly MixtureOptions FineTuned = new() { TensorNetLastBlock = TensorNetLastBlock.FineTuned };

    readonly MixtureFixture f;
    readonly TensorNetExpert tensorNet;

    public TensorNetFineTuningTests(MixtureFixture fixture, TensorNetExpertFixture experts)
    {
        f = fixture;
        tensorNet = experts.Expert;
    }

    IExpert[] TwoCgcnnAndTensorNet => new IExpert[] { f.Extractors[0], f.Extractors[1], tensorNet };

    static TrainingOptions Short(int epochs = 3, int seed = 0) => new() { Epochs = epochs, Patience = 500, Seed = seed };

    static void AssertClose(float[][] expected, float[][] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            for (int j = 0; j < expected[i].Length; j++)
                Assert.True(Math.Abs(expected[i][j] - actual[i][j]) <= FeatureTolerance * Math.Max(1, Math.Abs(expected[i][j])),
                    $"crystal {i}, feature {j}: expected {expected[i][j]}, got {actual[i][j]}");
    }

    [Fact]
    public void TheBlockAtThePotentialsWeightsGivesTheExpertsFeatures()
    {
        int[] rows = { 0, 5, 17, 40, 41 };
        var crystals = rows.Select(r => f.Crystals[r]).ToList();
        using var tail = tensorNet.NewBlock();
        using var inputs = tensorNet.BlockInputs(crystals, f.Cpu);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var features = tail.Features(inputs, Enumerable.Range(0, rows.Length).ToArray());
        var flat = features.data<float>().ToArray();
        var actual = Enumerable.Range(0, rows.Length).Select(i => flat.AsSpan(i * tensorNet.FeatureLength, tensorNet.FeatureLength).ToArray()).ToArray();
        AssertClose(tensorNet.Features(f.InputsOf(rows), f.Cpu), actual);
        Assert.Equal(5, inputs.Count);
    }

    [Fact]
    public void PairsOfOneLengthShareARadialRowAndTrainAsARowPerPairWould()
    {
        int[] rows = { 0, 5, 17 };
        using var tail = (TensorNetTail)tensorNet.NewBlock();
        using var inputs = (TensorNetTailInputs)tensorNet.BlockInputs(rows.Select(r => f.Crystals[r]).ToList(), f.Cpu);
        using var scope = NewDisposeScope();
        var shared = inputs.Batch(new[] { 0, 1, 2 });
        var pairs = shared.Pairs;
        var row = Assert.IsType<Tensor>(pairs.RadialRow, exactMatch: false);
        Assert.Equal(inputs.PairCount, row.shape[0]);
        Assert.True(pairs.Basis.shape[0] < inputs.PairCount, $"{pairs.Basis.shape[0]} radial rows for {inputs.PairCount} pairs");
        var perPair = shared with { Pairs = pairs.RowPerPair() };
        Assert.Null(perPair.Pairs.RadialRow);
        Assert.Equal(inputs.PairCount, perPair.Pairs.Basis.shape[0]);
        // The rows kept are distinct: sharing the per-pair rows again finds as many.
        Assert.Equal(pairs.Basis.shape[0], perPair.Pairs.SharingRadialRows().Basis.shape[0]);

        (float[][] Features, float[] Gradient) Pass(TensorNetTailBatch batch)
        {
            tail.zero_grad();
            var features = tail.Features(batch);
            features.pow(2).sum().backward();
            var flat = features.detach().data<float>().ToArray();
            int width = tensorNet.FeatureLength;
            return (Enumerable.Range(0, rows.Length).Select(i => flat.AsSpan(i * width, width).ToArray()).ToArray(),
                tail.parameters().SelectMany(p => p.grad!.data<float>().ToArray()).ToArray());
        }
        var (sharedFeatures, sharedGradient) = Pass(shared);
        var (perPairFeatures, perPairGradient) = Pass(perPair);
        AssertClose(perPairFeatures, sharedFeatures);
        // The gradients are sums over pairs in another order: close relative to their largest.
        double scale = perPairGradient.Max(g => Math.Abs(g));
        for (int i = 0; i < perPairGradient.Length; i++)
            Assert.True(Math.Abs(perPairGradient[i] - sharedGradient[i]) <= FeatureTolerance * scale,
                $"gradient {i}: {perPairGradient[i]} per pair, {sharedGradient[i]} shared");
    }

    [Fact]
    public void AFineTunedBlockStartsAtTheExpertsFeaturesAndTrainsAtTheFineTuningRate()
    {
        using var model = new MixtureModel(TwoCgcnnAndTensorNet, FineTuned with { FineTuneLearningRate = 0.003 });
        using var frozen = new MixtureModel(TwoCgcnnAndTensorNet, new MixtureOptions());
        using var target = new MixtureTrainingTarget(model, f.Inputs, f.Cpu);
        int[] rows = { 0, 7, 33 };

        AssertClose(tensorNet.Features(f.InputsOf(rows), f.Cpu), target.ExtractorFeatures(rows, 2));
        Assert.Throws<InvalidOperationException>(() => target.FrozenAtomFeatures(2));

        var extra = model.Network.state_dict().Keys.Except(frozen.Network.state_dict().Keys).ToList();
        Assert.Contains("tails.0.block.linears_scalar.0.weight", extra);
        Assert.Contains("tails.0.out_norm.weight", extra);
        Assert.All(extra, k => Assert.StartsWith("tails.0.", k));
        var group = Assert.Single(target.ParameterGroups(0.01), g => g.Name == "fine-tuned layers");
        Assert.Equal(0.003, group.LearningRate);
        Assert.Equal(frozen.Network.FineTunedParameters().Count + model.Network.state_dict().Keys.Count(k => k.StartsWith("tails.", StringComparison.Ordinal)),
            group.Parameters.Count);
    }

    [Fact]
    public void TrainsTheBlockLeavesThePotentialAloneAndPredictsTheSameAfterSavingAndLoading()
    {
        int[] rows = Enumerable.Range(0, 12).ToArray();
        var before = tensorNet.Features(f.InputsOf(rows), f.Cpu);
        using var untrained = new MixtureModel(TwoCgcnnAndTensorNet, FineTuned);
        using var trained = MixtureTraining.Train(untrained, f.Dataset, Short(), f.Cpu);

        var start = untrained.Network.state_dict();
        var moved = trained.Network.state_dict().Where(kv => kv.Key.StartsWith("tails.0.", StringComparison.Ordinal))
            .Count(kv => !kv.Value.allclose(start[kv.Key]));
        Assert.True(moved > 10, $"only {moved} of the block's tensors changed in training");
        Assert.Equal(before, tensorNet.Features(f.InputsOf(rows), f.Cpu));

        var crystals = f.InputsOf(rows);
        var expected = trained.Predict(crystals, f.Cpu);
        using var temp = new TempFolder();
        MixtureFile.Write(trained, temp.File("m.moem"));
        using var loaded = MixtureFile.Read(temp.File("m.moem"), (name, kind) =>
            kind == "TensorNet" && name == tensorNet.Name ? tensorNet : throw new InvalidOperationException($"{name} ({kind}) should be embedded"));
        Assert.Equal(TensorNetLastBlock.FineTuned, loaded.Options.TensorNetLastBlock);
        Assert.Equal(expected, loaded.Predict(crystals, f.Cpu));
    }

    [Fact]
    public void TransferWithTheBlockFineTunedTrainsTheSameTwiceFromOneSeedAndDiffersFromFrozen()
    {
        using var untrained = new MixtureModel(new IExpert[] { tensorNet }, FineTuned);
        using var first = MixtureTraining.Train(untrained, f.Dataset, Short(4, seed: 2), f.Cpu);
        using var second = MixtureTraining.Train(untrained, f.Dataset, Short(4, seed: 2), f.Cpu);
        using var frozenUntrained = new MixtureModel(new IExpert[] { tensorNet }, new MixtureOptions());
        using var frozen = MixtureTraining.Train(frozenUntrained, f.Dataset, Short(4, seed: 2), f.Cpu);

        Assert.Equal(first.TestMAE, second.TestMAE);
        Assert.NotEqual(frozen.TestMAE, first.TestMAE);
    }

    [Fact]
    public void APackOfSeedsTrainsTheBlockAsTheRunsOneByOne()
    {
        using var shape = new MixtureModel(TwoCgcnnAndTensorNet, FineTuned with { TopK = 2, GateStart = GateStart.Probe });
        int[] seeds = { 0, 1 };
        var datasets = seeds.Select(s => f.Dataset.WithSplit(SplitFile.Read(TestData.PathOf("splits", $"seed{s}.json"), "jarvis_2d_gap_tbmbj"))).ToArray();
        var options = seeds.Select(s => Short(3, s)).ToArray();
        IReadOnlyList<MixtureModel> packed;
        using (var pack = MixturePack.Prepare(shape, datasets, options, f.Cpu)) packed = pack.Train();
        try
        {
            for (int r = 0; r < seeds.Length; r++)
            {
                using var alone = MixtureTraining.Train(shape, datasets[r], options[r], f.Cpu);
                Assert.Equal(alone.Scores(), packed[r].Scores());
                var (a, p) = (alone.Training!, packed[r].Training!);
                Assert.True(Math.Abs(a.TestMae - p.TestMae) <= 1e-6 * Math.Max(1, a.TestMae), $"seed {seeds[r]}: one by one {a.TestMae:R}, packed {p.TestMae:R}");
            }
        }
        finally
        {
            foreach (var m in packed) m.Dispose();
        }
    }

    [Fact]
    public void FineTuningAskedOfAMixtureWithoutTensorNetFailsNamingItsExperts()
    {
        var e = Assert.Throws<ArgumentException>(() => new MixtureModel(f.Extractors[..2], FineTuned));
        Assert.Contains("TensorNetLastBlock FineTuned", e.Message);
        Assert.Contains("mp_eform (CGCNN)", e.Message);
    }
}
