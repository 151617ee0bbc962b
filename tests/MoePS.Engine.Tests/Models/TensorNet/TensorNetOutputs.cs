using MoePS.Engine.Models.TensorNet;
using static TorchSharp.torch;

namespace MoePS.Engine.Tests.Models.TensorNet;

/// <summary>What the port computes for one structure, in the shape of <see cref="TensorNetExpected"/>.</summary>
public static class TensorNetOutputs
{
    public static TensorNetExpected Of(TensorNetPotential potential, TensorNetGoldenStructure structure)
    {
        using var batch = potential.Batch(new[] { structure.Crystal });
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var nodeFeatures = potential.Model.NodeFeatures(batch, out var norms);
        var feature = TensorNetPotential.MeanOverCrystals(nodeFeatures, batch.AtomCounts);
        return new TensorNetExpected((int)batch.PairCount, potential.Energies(batch)[0],
            Numbers(feature[0]), Numbers(nodeFeatures[0]), Numbers(norms[0]));
    }

    public static double[] Numbers(Tensor vector) => vector.to(float64).data<double>().ToArray();

    /// <summary>max_i |actual_i − expected_i| / max_i |expected_i|: the error relative to the vector's largest component.</summary>
    public static double RelativeDeviation(double[] expected, double[] actual)
    {
        if (expected.Length != actual.Length) return double.PositiveInfinity;
        double scale = expected.Max(Math.Abs), worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double d = Math.Abs(actual[i] - expected[i]);
            worst = double.IsNaN(d) ? double.PositiveInfinity : Math.Max(worst, d);
        }
        return worst / scale;
    }
}
