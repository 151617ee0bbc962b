using MoePS.Engine.Models;
using MoePS.Engine.Models.Experts;
using MoePS.Engine.Models.Extractors;
using MoePS.Engine.Models.Formats;
using MoePS.Engine.Models.Library;
using MoePS.Engine.Models.Mixture;
using MoePS.Engine.Models.Mixture.Packing;
using MoePS.Engine.Models.TensorNet;
using MoePS.Engine.Tests.Models;
using MoePS.Engine.Tests.Models.TensorNet;
using MoePS.Engine.Training;
using TorchSharp;
using Xunit;

namespace MoePS.Engine.Tests.Mixture;

/// <summary>
/// The engine's entry points leave no tensor to TorchSharp's finalizer (README, Reliability: a tensor the finalizer frees
/// may still be read by libtorch). Each operation runs once to warm up, then again between two counts of the tensors the
/// finalizer thread has freed; what the operation returns is disposed, so any tensor freed in between was one it let go.
/// </summary>
[Collection(EnvironmentCollection.Name)]   // no other test's garbage may reach the finalizer while one is counted
public class TensorLifetimeTests : IClassFixture<MixtureFixture>
{
    readonly MixtureFixture f;

    public TensorLifetimeTests(MixtureFixture fixture) => f = fixture;

    /// <summary>Reads the finalizer thread's own TorchSharp statistics, from its finalizer (which runs on that thread).</summary>
    sealed class FinalizerThreadCount
    {
        public static long Freed;
        ~FinalizerThreadCount() => Freed = DisposeScopeManager.Statistics.TensorStatistics.DisposedOutsideScopeCount;
    }

    static long FreedByFinalizer()
    {
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        Probe();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return FinalizerThreadCount.Freed;

        static void Probe() => _ = new FinalizerThreadCount();
    }

    static void AssertNoneLeftToTheFinalizer(string what, Action operation)
    {
        operation();
        long before = FreedByFinalizer();
        operation();
        Assert.True(FreedByFinalizer() == before, $"{what} left {FreedByFinalizer() - before} tensor(s) to the finalizer.");
    }

    CrystalInputs Ten => f.InputsOf(Enumerable.Range(0, 10));

    [Fact]
    public void ExtractorsAndTheirNetworks()
    {
        var extractor = f.Extractors[0];
        AssertNoneLeftToTheFinalizer("Extractor.Predict", () => extractor.Predict(Ten, f.Cpu));
        AssertNoneLeftToTheFinalizer("Extractor.Features", () => extractor.Features(Ten, f.Cpu));
        using var set = extractor.GraphTensors(f.Graphs.Take(10).ToList(), f.Ids.Take(10).ToList(), f.Cpu);
        using var batch = set.All();
        using var copy = extractor.Clone();
        AssertNoneLeftToTheFinalizer("Cgcnn.forward", () => copy.Model.forward(batch).Dispose());
        copy.Model.train();   // training mode takes the fused message operation and its autograd function
        AssertNoneLeftToTheFinalizer("Cgcnn.forward and backward in training mode", () =>
        {
            using var output = copy.Model.forward(batch);
            using var loss = output.sum();
            loss.backward();
        });
        AssertNoneLeftToTheFinalizer("STL training", () =>
            ExtractorPretraining.Train(f.Dataset, new TrainingOptions { Epochs = 1 }, device: f.Cpu).Dispose());
    }

    [Theory]
    [InlineData(FrozenNormalization.Source)]
    [InlineData(FrozenNormalization.Batch)]
    [InlineData(FrozenNormalization.Adapt)]
    public void Mixtures(FrozenNormalization mode)
    {
        using var model = new MixtureModel(f.Extractors.Take(2).ToArray(), new MixtureOptions { FrozenNormalization = mode });
        AssertNoneLeftToTheFinalizer("MixtureModel.Predict", () => model.Predict(Ten, f.Cpu));
        AssertNoneLeftToTheFinalizer("MixtureModel.ExtractorScores", () => model.ExtractorScores());
        AssertNoneLeftToTheFinalizer("MixtureModel.Copy", () => model.Copy().Dispose());
        AssertNoneLeftToTheFinalizer("MixtureTraining.Train", () =>
            MixtureTraining.Train(model, f.Dataset, new TrainingOptions { Epochs = 1 }, f.Cpu).Dispose());
    }

    [Fact]
    public void MixturePacks()
    {
        using var shape = new MixtureModel(f.Extractors.Take(2).ToArray(), new MixtureOptions { FrozenNormalization = FrozenNormalization.Adapt });
        var datasets = new[] { f.Dataset, f.Dataset };
        var options = new[] { new TrainingOptions { Epochs = 1, Seed = 0 }, new TrainingOptions { Epochs = 1, Seed = 1 } };
        AssertNoneLeftToTheFinalizer("MixturePack.Prepare", () => MixturePack.Prepare(shape, datasets, options, f.Cpu).Dispose());
        AssertNoneLeftToTheFinalizer("MixturePack.Prepare and Train", () =>
        {
            using var pack = MixturePack.Prepare(shape, datasets, options, f.Cpu);
            foreach (var model in pack.Train()) model.Dispose();
        });
    }

    [Fact]
    public void Loading()
    {
        AssertNoneLeftToTheFinalizer("ExtractorLibrary.Load", () => ExtractorLibrary.Load("mp_eform").Dispose());
        AssertNoneLeftToTheFinalizer("TensorNetPotential.Load", () => TensorNetPotential.Load(TensorNetGolden.Folder).Dispose());
        using var folder = new TempFolder();
        string path = folder.File("m.moem");
        using var model = MixtureTraining.Train(new MixtureModel(f.Extractors.Take(2).ToArray(), new MixtureOptions()), f.Dataset,
            new TrainingOptions { Epochs = 1 }, f.Cpu);
        AssertNoneLeftToTheFinalizer("MixtureFile.Write", () => MixtureFile.Write(model, path));
        AssertNoneLeftToTheFinalizer("MixtureFile.Read", () =>
        {
            using var read = MixtureFile.Read(path, (_, _) => throw new InvalidOperationException("all extractors are embedded"));
            foreach (var embedded in read.Extractors.OfType<IDisposable>()) embedded.Dispose();   // a mixture shares, never owns, its extractors
        });
    }

    [Fact]
    public void TensorNet()
    {
        using var expert = TensorNetExpert.Load(TensorNetGolden.Folder);
        var crystals = TensorNetGolden.Structures.Take(3).Select(g => g.Crystal).ToList();
        AssertNoneLeftToTheFinalizer("TensorNetExpert.Features", () => expert.Features(new CrystalInputs(crystals), f.Cpu));
        using var potential = TensorNetPotential.Load(TensorNetGolden.Folder);
        using var batch = potential.Batch(crystals);
        AssertNoneLeftToTheFinalizer("TensorNetPotential.Energies", () => potential.Energies(batch));
        using var model = new MixtureModel(new IExpert[] { f.Extractors[0], expert },
            new MixtureOptions { TensorNetLastBlock = TensorNetLastBlock.FineTuned, GateStart = GateStart.Probe });
        AssertNoneLeftToTheFinalizer("MixtureTraining.Train with TensorNet's last block fine-tuned and a probe-started gate", () =>
            MixtureTraining.Train(model, f.Dataset, new TrainingOptions { Epochs = 1 }, f.Cpu).Dispose());
    }
}
