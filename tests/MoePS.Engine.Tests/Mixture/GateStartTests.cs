using MoePS.Engine.Models.Mixture;
using MoePS.Engine.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MoePS.Engine.Tests.Mixture;

/// <summary>The relevance probe and the gate it starts (<see cref="GateStart.Probe"/>), beside the paper's start from ones.</summary>
public sealed class GateStartTests(MixtureFixture f) : IClassFixture<MixtureFixture>
{
    [Fact]
    public void TheProbeScoresAFeatureThatCarriesTheLabelAboveNoise()
    {
        var random = new Random(7);
        double[] Labels(int n) => Enumerable.Range(0, n).Select(_ => random.NextDouble() * 10).ToArray();
        float[][] Informative(double[] y) => y.Select(v => new[] { (float)(2 * v + 1), (float)random.NextDouble() }).ToArray();
        float[][] Noise(double[] y) => y.Select(_ => new[] { (float)random.NextDouble(), (float)random.NextDouble() }).ToArray();
        double[] train = Labels(200), validation = Labels(50);

        double informative = RelevanceProbe.ValidationError(Informative(train), train, Informative(validation), validation);
        double noise = RelevanceProbe.ValidationError(Noise(train), train, Noise(validation), validation);

        Assert.True(informative < 0.05, $"a feature that is 2y + 1 should predict y almost exactly (MAE {informative})");
        Assert.InRange(noise, 2.0, 3.5); // about the MAE of the mean on U(0, 10): 2.5
    }

    [Fact]
    public void ThetaStartsAtOneForTheBestProbeWithSoftmaxWeightsInverseToTheErrors()
    {
        float[] theta = RelevanceProbe.GateStart(new[] { 0.4, 0.1, 0.2 });
        Assert.Equal(1f, theta[1]);
        var weights = theta.Select(t => Math.Exp(t)).ToArray();
        Assert.Equal(4.0, weights[1] / weights[0], 5);
        Assert.Equal(2.0, weights[1] / weights[2], 5);
    }

    [Fact]
    public void AProbeStartedMixtureBeginsWithTheBestProbedExtractorsActive()
    {
        var split = f.Dataset.Split!;
        var labels = f.Dataset.Entries.Select(e => e.Target).ToArray();

        var extractors = f.Extractors.Reverse().ToArray(); // the fixture's first two (mp_eform, mp_bandgap) probe best on this band-gap task
        using var probe = new MixtureModel(extractors, new MixtureOptions { TopK = 2, GateStart = GateStart.Probe });
        using var target = new MixtureTrainingTarget(probe, f.Inputs, f.Cpu);
        target.StartGate(labels, split);
        var errors = Enumerable.Range(0, extractors.Length).Select(i => RelevanceProbe.ValidationError(
            target.ExtractorFeatures(split.Train, i), split.Train.Select(r => labels[r]).ToList(),
            target.ExtractorFeatures(split.Validation, i), split.Validation.Select(r => labels[r]).ToList())).ToArray();
        var best = Enumerable.Range(0, errors.Length).OrderBy(i => errors[i]).Take(2).Order().ToArray();

        Assert.Equal(best, probe.Network.Gate.ActiveIndices());
        Assert.NotEqual(new[] { 0, 1 }, best); // else this test could not tell the probe from the paper's start
        float[] start = RelevanceProbe.GateStart(errors);
        Assert.Equal(start, probe.Network.Gate.Theta.detach().data<float>().ToArray());

        // Training starts there too: one epoch (one Adam step of the 84 training rows at 0.01) moves each θ by at most 0.01.
        using var trained = MixtureTraining.Train(probe, f.Dataset, new TrainingOptions { Epochs = 1, Seed = 0 }, f.Cpu);
        var after = trained.Network.Gate.Theta.detach().data<float>().ToArray();
        Assert.All(start.Zip(after), p => Assert.InRange(p.Second - p.First, -0.0101f, 0.0101f));
        Assert.Contains(start, t => t < 0.98f); // far enough from the paper's ones for the check above to tell them apart
    }

    [Fact]
    public void ThePapersGateStillStartsFromOnes()
    {
        using var model = new MixtureModel(f.Extractors, new MixtureOptions { TopK = 2 });
        using var target = new MixtureTrainingTarget(model, f.Inputs, f.Cpu);
        target.StartGate(f.Dataset.Entries.Select(e => e.Target).ToArray(), f.Dataset.Split!);
        Assert.All(model.Network.Gate.Theta.detach().data<float>().ToArray(), t => Assert.Equal(1f, t));
    }

    [Fact]
    public void ADroppedExtractorReturnsOnceAnActiveThetaFallsBelowIt()
    {
        // The design: inactive extractors get no gradient, so one comes back only when training lowers an active θ below its own.
        var gate = new TopKGate(3, 2);
        gate.Start(new[] { 1f, 0.9f, 0.5f });
        Assert.Equal(new[] { 0, 1 }, gate.ActiveIndices());
        var optimizer = optim.SGD(new[] { gate.Theta }, 1);
        for (int step = 0; step < 100 && gate.ActiveIndices().Contains(0); step++)
        {
            optimizer.zero_grad();
            gate.Scores()[0].backward(); // a loss that grows with extractor 0's weight pushes θ_0 down
            optimizer.step();
        }
        Assert.Equal(new[] { 1, 2 }, gate.ActiveIndices());
        Assert.Equal(0.5f, gate.Theta.detach().data<float>()[2]); // the dropped one never moved: it came back on its old θ
    }
}
