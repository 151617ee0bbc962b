using MoePS.Engine.Crystals;
using MoePS.Engine.Runtime;
using static TorchSharp.torch;

namespace MoePS.Engine.Tests.Training;

/// <summary>
/// A fixed synthetic regression task: random features, a smooth non-linear label in "target
/// units" (offset and scaled, so normalisation matters), a 60/20/20 split, and the last five (test) labels unknown.
/// </summary>
internal sealed class SyntheticRegression : IDisposable
{
    public SyntheticRegression(int rows = 200, int featureCount = 6, int seed = 7)
    {
        TorchRuntime.EnsureLoaded();
        var generator = new Generator((ulong)seed);
        Features = randn(new long[] { rows, featureCount }, generator: generator);
        var x = Features.to(ScalarType.Float64).data<double>().ToArray();
        var noise = randn(new long[] { rows }, ScalarType.Float64, generator: generator).data<double>().ToArray();
        Targets = Enumerable.Range(0, rows).Select(i =>
        {
            double z = 0;
            for (int j = 0; j < featureCount; j++) z += (j % 2 == 0 ? 1 : -0.5) * x[i * featureCount + j];
            return 10 + 3 * Math.Tanh(z) + 0.05 * noise[i];
        }).ToArray();
        for (int i = rows - 5; i < rows; i++) Targets[i] = double.NaN;
        int nTrain = rows * 6 / 10, nVal = rows * 2 / 10;
        var order = Enumerable.Range(0, rows).ToArray();
        Split = new DatasetSplit(order[..nTrain], order[nTrain..(nTrain + nVal)], order[(nTrain + nVal)..], "synthetic");
    }

    public Tensor Features { get; }
    public double[] Targets { get; }
    public DatasetSplit Split { get; }

    /// <summary>MAE of always predicting the training mean, on the validation rows.</summary>
    public double MeanPredictorValidationMae()
    {
        double mean = Split.Train.Average(i => Targets[i]);
        return Split.Validation.Average(i => Math.Abs(Targets[i] - mean));
    }

    public void Dispose() => Features.Dispose();
}
