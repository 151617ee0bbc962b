using MoePS.Engine.Models;
using MoePS.Engine.Models.Experts;
using MoePS.Engine.Models.Formats;
using MoePS.Engine.Models.Mixture;
using MoePS.Engine.Models.TensorNet;
using MoePS.Engine.Tests.Models;
using MoePS.Engine.Tests.Models.TensorNet;
using MoePS.Engine.Training;
using Xunit;

namespace MoePS.Engine.Tests.Mixture;

/// <summary>The TensorNet potential, loaded once, for mixtures of CGCNN extractors and it.</summary>
public sealed class TensorNetExpertFixture : IDisposable
{
    public TensorNetExpert Expert { get; } = TensorNetExpert.Load(TensorNetGolden.Folder);

    public void Dispose() => Expert.Dispose();
}

/// <summary>Experts of two kinds in one mixture: CGCNN extractors (fine-tuned) and the TensorNet potential (frozen, through an adapter).</summary>
public class HeterogeneousMixtureTests : IClassFixture<MixtureFixture>, IClassFixture<TensorNetExpertFixture>
{
    readonly MixtureFixture f;
    readonly TensorNetExpert tensorNet;

    public HeterogeneousMixtureTests(MixtureFixture fixture, TensorNetExpertFixture experts)
    {
        f = fixture;
        tensorNet = experts.Expert;
    }

    static TrainingOptions Short(int epochs = 3, int seed = 0) => new() { Epochs = epochs, Patience = 500, Seed = seed };

    IExpert[] TwoCgcnnAndTensorNet => new IExpert[] { f.Extractors[0], f.Extractors[1], tensorNet };

    [Fact]
    public void TheFrozenExpertGetsAnAdapterToTheCgcnnWidthAndTheCgcnnStateIsUnchanged()
    {
        using var mixed = new MixtureModel(TwoCgcnnAndTensorNet, new MixtureOptions());
        using var cgcnnOnly = new MixtureModel(f.Extractors[..2], new MixtureOptions());

        Assert.Equal(new[] { 2 }, mixed.Network.FrozenExperts);
        Assert.Null(new MixtureModel(new IExpert[] { tensorNet }, new MixtureOptions()).GraphSettings);
        var extra = mixed.Network.state_dict().Keys.Except(cgcnnOnly.Network.state_dict().Keys).ToList();
        Assert.Equal(new[] { "adapters.0.projection.weight", "adapters.0.projection.bias" }, extra);
        Assert.Equal(new long[] { 64, 128 }, mixed.Network.state_dict()["adapters.0.projection.weight"].shape);
        Assert.DoesNotContain(cgcnnOnly.Network.state_dict().Keys, k => k.StartsWith("adapters", StringComparison.Ordinal));
    }

    [Fact]
    public void BeforeTrainingTheFrozenExpertsFeatureIsItsOwn()
    {
        using var model = new MixtureModel(TwoCgcnnAndTensorNet, new MixtureOptions());
        using var target = new MixtureTrainingTarget(model, f.Inputs, f.Cpu);
        int[] rows = { 0, 7, 33 };
        var expected = tensorNet.Features(f.InputsOf(rows), f.Cpu);
        Assert.Equal(expected, target.ExtractorFeatures(rows, 2));
    }

    [Fact]
    public void TrainsPredictsSavesAndLoadsBitIdentically()
    {
        using var untrained = new MixtureModel(TwoCgcnnAndTensorNet, new MixtureOptions { TopK = 2, GateStart = GateStart.Probe });
        using var trained = MixtureTraining.Train(untrained, f.Dataset, Short(), f.Cpu);
        Assert.True(trained.TestMAE is > 0 and < double.PositiveInfinity);
        Assert.Equal(3, trained.ExtractorScores().Count);
        Assert.Equal(2, trained.ExtractorScores().Count(s => s.Active));
        var crystals = f.InputsOf(Enumerable.Range(0, 20));
        var expected = trained.Predict(crystals, f.Cpu);

        using var temp = new TempFolder();
        MixtureFile.Write(trained, temp.File("m.moem"));
        using var loaded = MixtureFile.Read(temp.File("m.moem"), (name, kind) =>
            kind == "TensorNet" && name == tensorNet.Name ? tensorNet : throw new InvalidOperationException($"{name} ({kind}) should be embedded"));
        Assert.Equal(expected, loaded.Predict(crystals, f.Cpu));
        Assert.Equal(trained.Scores(), loaded.Scores());

        var wrongKind = Assert.Throws<ExtractorFormatException>(() => MixtureFile.Read(temp.File("m.moem"), (_, _) => f.Extractors[2]));
        Assert.Contains("TensorNet", wrongKind.Message);
    }

    [Fact]
    public void TransferFromTheFrozenExpertAloneTrainsWithoutGraphsAndFromOneSeedTheSameTwice()
    {
        using var untrained = new MixtureModel(new IExpert[] { tensorNet }, new MixtureOptions());
        using var first = MixtureTraining.Train(untrained, f.Dataset, Short(5, seed: 3), f.Cpu);
        using var second = MixtureTraining.Train(untrained, f.Dataset, Short(5, seed: 3), f.Cpu);

        Assert.Equal("TL from tensornet_matpes_pbe", first.Name);
        Assert.Equal(first.TestMAE, second.TestMAE);
        Assert.Equal(first.Predict(f.InputsOf(new[] { 1, 2, 3 }), f.Cpu), second.Predict(f.InputsOf(new[] { 1, 2, 3 }), f.Cpu));
    }
}
