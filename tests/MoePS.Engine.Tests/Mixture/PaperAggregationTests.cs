using MoePS.Engine.Models.Extractors;
using MoePS.Engine.Models.Mixture;
using MoePS.Engine.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MoePS.Engine.Tests.Mixture;

/// <summary>
/// Concat and Ensemble as the paper's code defines them (rees-c/MoE, moe/model.py: MixtureOfExtractors option 'concat',
/// EnsemblePredictor), offered next to MoePS's gated forms.
/// </summary>
public class PaperAggregationTests : IClassFixture<MixtureFixture>
{
    readonly MixtureFixture f;

    public PaperAggregationTests(MixtureFixture fixture) => f = fixture;

    Extractor[] Three => f.Extractors.Take(3).ToArray();

    static long[] Shape(MixtureModel model, string key) => model.Network.state_dict()[key].shape;

    static float[] Values(MixtureModel model, string key) => model.Network.state_dict()[key].cpu().data<float>().ToArray();

    [Fact]
    public void ParameterShapes()
    {
        var concat = new MixtureModel(Three, new MixtureOptions { Aggregation = Aggregation.PaperConcat });
        Assert.Equal(new long[] { 3 }, Shape(concat, "gate.theta"));
        Assert.Equal(new long[] { 32, 3 * 64 }, Shape(concat, "heads.0.layers.0.weight"));
        Assert.DoesNotContain("heads.1.layers.0.weight", concat.Network.state_dict().Keys);
        Assert.Equal(new double[] { 1, 1, 1 }, concat.Scores()); // raw scales, initialised to 1

        var ensemble = new MixtureModel(Three, new MixtureOptions { Aggregation = Aggregation.PaperEnsemble });
        Assert.Equal(new long[] { 3 }, Shape(ensemble, "gate.theta"));
        for (int i = 0; i < 3; i++) Assert.Equal(new long[] { 32, 64 }, Shape(ensemble, $"heads.{i}.layers.0.weight"));
        Assert.All(ensemble.Scores(), s => Assert.Equal(1.0 / 3, s, 6)); // Softmax of equal logits

        // Neither has a top-k: every extractor is active, and a smaller k is refused.
        Assert.Equal(3, concat.TopK);
        Assert.All(ensemble.ExtractorScores(), s => Assert.True(s.Active));
        foreach (var aggregation in new[] { Aggregation.PaperConcat, Aggregation.PaperEnsemble })
            Assert.Contains("every extractor", Assert.ThrowsAny<ArgumentException>(() =>
                new MixtureModel(Three, new MixtureOptions { Aggregation = aggregation, TopK = 2 })).Message);
    }

    [Theory]
    [InlineData(Aggregation.PaperConcat, false)]
    [InlineData(Aggregation.PaperEnsemble, false)]
    [InlineData(Aggregation.Add, true)]
    [InlineData(Aggregation.Concat, true)]
    [InlineData(Aggregation.Ensemble, true)]
    public void OnlyMoePSsFormsAddTheGateRegulariser(Aggregation aggregation, bool regularised)
    {
        var model = new MixtureModel(Three, new MixtureOptions { Aggregation = aggregation, TopK = aggregation.HasTopK() ? 2 : null });
        using var target = new MixtureTrainingTarget(model, f.InputsOf(Enumerable.Range(0, 4)), f.Cpu);
        var term = target.Regularisation();
        Assert.Equal(regularised, term is not null);
        if (term is not null) Assert.True(term.item<float>() > 0); // two active extractors at 1/2: λ(1/2 − 1)²
    }

    [Fact]
    public void PaperConcatScalesByTheRawParametersByHand()
    {
        // One-layer heads, so the prediction is one dot product: y = w·[s_1 E_1, s_2 E_2] + b.
        var model = new MixtureModel(Three.Take(2).ToArray(), new MixtureOptions { Aggregation = Aggregation.PaperConcat, HeadLayers = 1 });
        float[] scales = { 2f, -0.5f };
        using (no_grad()) model.Network.Gate.Theta.copy_(tensor(scales));
        Assert.Equal(scales.Select(s => (double)s), model.Scores());
        var rows = new[] { 3, 10, 17 };
        using var target = new MixtureTrainingTarget(model, f.Inputs, f.Cpu);
        target.SetTraining(false);
        var e = new[] { target.ExtractorFeatures(rows, 0), target.ExtractorFeatures(rows, 1) };
        float[] w = Values(model, "heads.0.layers.0.weight");
        float b = Values(model, "heads.0.layers.0.bias")[0];

        using var _ = no_grad();
        var actual = target.Forward(rows).cpu().data<float>().ToArray();
        for (int r = 0; r < rows.Length; r++)
        {
            double expected = b;
            for (int i = 0; i < 2; i++)
                for (int k = 0; k < 64; k++) expected += w[i * 64 + k] * scales[i] * e[i][r][k];
            Assert.Equal(expected, actual[r], 1e-4);
        }
    }

    [Fact]
    public void PaperEnsembleWeightsTheHeadsBySoftmaxByHand()
    {
        // y = Σ_i softmax(θ)_i (w_i·E_i + b_i), over every extractor.
        var model = new MixtureModel(Three, new MixtureOptions { Aggregation = Aggregation.PaperEnsemble, HeadLayers = 1 });
        float[] logits = { 0.3f, 1.5f, -1f };
        using (no_grad()) model.Network.Gate.Theta.copy_(tensor(logits));
        double norm = logits.Sum(t => Math.Exp(t));
        double[] softmax = logits.Select(t => Math.Exp(t) / norm).ToArray();
        Assert.Equal(softmax, model.Scores(), new ToleranceComparer(1e-6));
        var rows = new[] { 0, 5, 44, 90 };
        using var target = new MixtureTrainingTarget(model, f.Inputs, f.Cpu);
        target.SetTraining(false);

        using var _ = no_grad();
        var actual = target.Forward(rows).cpu().data<float>().ToArray();
        var expected = new double[rows.Length];
        for (int i = 0; i < 3; i++)
        {
            var e = target.ExtractorFeatures(rows, i);
            float[] w = Values(model, $"heads.{i}.layers.0.weight");
            float b = Values(model, $"heads.{i}.layers.0.bias")[0];
            for (int r = 0; r < rows.Length; r++) expected[r] += softmax[i] * (b + w.Zip(e[r], (x, y) => (double)x * y).Sum());
        }
        for (int r = 0; r < rows.Length; r++) Assert.Equal(expected[r], actual[r], 1e-4);
    }

    [Theory]
    [InlineData(Aggregation.PaperConcat)]
    [InlineData(Aggregation.PaperEnsemble)]
    public void PaperFormsTrainTheirWeightsAndBeatPredictingTheMean(Aggregation aggregation)
    {
        var trained = MixtureTraining.Train(new MixtureModel(Three, new MixtureOptions { Aggregation = aggregation }),
            f.Dataset, new TrainingOptions { Epochs = 20 }, f.Cpu);
        var split = f.Dataset.Split!;
        double mean = split.Train.Select(i => f.Dataset.Entries[i].Target).Average();
        double baseline = split.Validation.Average(i => Math.Abs(f.Dataset.Entries[i].Target - mean));
        Assert.True(trained.ValMAE < baseline, $"{aggregation}: val MAE {trained.ValMAE} vs mean predictor {baseline}");
        Assert.Contains(trained.Scores(), s => Math.Abs(s - trained.Scores()[0]) > 1e-6); // the weights learned
    }

    sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(double obj) => 0;
    }
}
