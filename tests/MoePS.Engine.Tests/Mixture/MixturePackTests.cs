using MoePS.Engine.Crystals;
using MoePS.Engine.Models.Mixture;
using MoePS.Engine.Models.Mixture.Packing;
using MoePS.Engine.Training;
using Xunit;

namespace MoePS.Engine.Tests.Mixture;

/// <summary>
/// A pack of runs of one mixture shape against the same runs trained one by one (<see cref="MixtureTraining.Train"/>), on
/// the paper's splits of jarvis_2d_gap_tbmbj for seeds 0-2. The pack runs each run's forward and backward with the same
/// kernels on the same tensors as the run alone, and torch's Adam arithmetic operation for operation, so the results agree
/// to the last bit on this machine; the assertions allow a relative 1e-6 (a few float32 roundings) so that a CPU whose
/// kernels vectorise the stacked rows differently still passes, which is far below what would move a best epoch.
/// </summary>
public sealed class MixturePackTests(MixtureFixture f) : IClassFixture<MixtureFixture>
{
    const double Tolerance = 1e-6;
    static readonly int[] Seeds = { 0, 1, 2 };

    CrystalDataset SplitFor(int seed) =>
        f.Dataset.WithSplit(SplitFile.Read(TestData.PathOf("splits", $"seed{seed}.json"), "jarvis_2d_gap_tbmbj"));

    public static TheoryData<int, int?, FrozenNormalization, int, int, GateStart> Shapes() => new()
    {
        { 1, null, FrozenNormalization.Source, 4, 4, GateStart.Ones },   // TL
        { 3, 2, FrozenNormalization.Adapt, 4, 1, GateStart.Ones },       // MoE, top-2 of 3, with a patience that stops runs early
        { 1, null, FrozenNormalization.Batch, 2, 2, GateStart.Ones },    // TL with the paper code's BatchNorm (frozen convolutions every step)
        { 5, 2, FrozenNormalization.Source, 3, 3, GateStart.Probe },     // MoE, top-2 of 5 started by each run's own probe
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void APackOfSeedsEqualsTheSameRunsOneByOne(int extractors, int? topK, FrozenNormalization normalization, int epochs, int patience,
        GateStart gateStart)
    {
        using var shape = new MixtureModel(f.Extractors.Take(extractors).ToArray(),
            new MixtureOptions { TopK = topK, FrozenNormalization = normalization, GateStart = gateStart });
        var datasets = Seeds.Select(SplitFor).ToArray();
        var options = Seeds.Select(s => new TrainingOptions { Epochs = epochs, Patience = patience, Seed = s }).ToArray();

        var finishedOrder = new List<int>();
        IReadOnlyList<MixtureModel> packed;
        using (var pack = MixturePack.Prepare(shape, datasets, options, f.Cpu))
            packed = pack.Train(finished: (r, _) => finishedOrder.Add(r));
        try
        {
            Assert.Equal(Seeds.Length, finishedOrder.Distinct().Count());
            if (patience < epochs) Assert.Contains(packed, m => m.Training!.StoppedEarly); // so that stopped runs are masked while others train
            for (int r = 0; r < Seeds.Length; r++)
            {
                using var alone = MixtureTraining.Train(shape, datasets[r], options[r], f.Cpu);
                var (a, p) = (alone.Training!, packed[r].Training!);
                Assert.Equal(a.BestEpoch, p.BestEpoch);
                Assert.Equal(a.EpochsRun, p.EpochsRun);
                Assert.Equal(a.StoppedEarly, p.StoppedEarly);
                AssertClose(a.History.Select(h => h.ValidationMae), p.History.Select(h => h.ValidationMae), $"seed {Seeds[r]} validation MAEs");
                AssertClose(a.History.Select(h => h.TrainLoss), p.History.Select(h => h.TrainLoss), $"seed {Seeds[r]} training losses");
                AssertClose(new[] { a.TrainMae, a.ValidationMae, a.TestMae }, new[] { p.TrainMae, p.ValidationMae, p.TestMae }, $"seed {Seeds[r]} MAEs");
                var test = datasets[r].Split!.Test;
                AssertClose(alone.Predict(f.InputsOf(test), f.Cpu),
                    packed[r].Predict(f.InputsOf(test), f.Cpu), $"seed {Seeds[r]} test predictions");
                Assert.Equal(alone.Scores(), packed[r].Scores());
                Assert.Equal(datasets[r].Name, packed[r].DatasetName);
            }
        }
        finally
        {
            foreach (var m in packed) m.Dispose();
        }
    }

    static void AssertClose(IEnumerable<double> expected, IEnumerable<double> actual, string what)
    {
        var (e, a) = (expected.ToArray(), actual.ToArray());
        Assert.Equal(e.Length, a.Length);
        for (int i = 0; i < e.Length; i++)
            Assert.True(Math.Abs(e[i] - a[i]) <= Tolerance * Math.Max(1, Math.Abs(e[i])), $"{what} [{i}]: one by one {e[i]:R}, packed {a[i]:R}");
    }

    [Fact]
    public void RefusesAnEnsembleWithInactiveHeadsAndDatasetsThatDiffer()
    {
        using var ensemble = new MixtureModel(f.Extractors.Take(3).ToArray(), new MixtureOptions { TopK = 1, Aggregation = Aggregation.Ensemble });
        Assert.NotNull(MixturePack.WhyNotPackable(ensemble.Options, 3));
        Assert.Throws<ArgumentException>(() => MixturePack.Prepare(ensemble, new[] { SplitFor(0) }, new[] { new TrainingOptions() }, f.Cpu));

        using var tl = new MixtureModel(f.Extractors.Take(1).ToArray(), new MixtureOptions());
        Assert.Null(MixturePack.WhyNotPackable(tl.Options, 1));
        var d = f.Dataset;
        var fewer = new CrystalDataset(d.Name, d.TargetName, d.Unit, d.Entries.Take(100).ToList(), RandomSplit.Create(100, 0));
        Assert.Contains("one dataset", Assert.Throws<ArgumentException>(() =>
            MixturePack.Prepare(tl, new[] { SplitFor(0), fewer }, new[] { new TrainingOptions(), new TrainingOptions() }, f.Cpu)).Message);
    }
}
