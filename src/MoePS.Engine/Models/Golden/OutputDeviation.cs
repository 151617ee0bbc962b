using System.Globalization;
using MoePS.Engine.Models.Extractors;

namespace MoePS.Engine.Models.Golden;

/// <summary>
/// How far two sets of extractor outputs on the same structures are apart: the largest absolute difference in the raw
/// (normalised) outputs, the predictions and the crystal features, and where the largest of all three lies.
/// </summary>
public sealed record OutputDeviation(int Structures, double MaxRaw, double MaxPrediction, double MaxFeature, string Worst)
{
    /// <summary>The largest of the three differences.</summary>
    public double Max => Math.Max(MaxRaw, Math.Max(MaxPrediction, MaxFeature));

    /// <summary>Whether every difference is within <paramref name="tolerance"/> (NaN never is).</summary>
    public bool Within(double tolerance) => Max <= tolerance;

    public static OutputDeviation Between(ExtractorOutput expected, ExtractorOutput actual, IReadOnlyList<string> ids)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(ids);
        int n = expected.Raw.Length;
        if (actual.Raw.Length != n || ids.Count != n)
            throw new ArgumentException($"{n} expected outputs, {actual.Raw.Length} actual ones, {ids.Count} ids.");
        double maxRaw = 0, maxPrediction = 0, maxFeature = 0, worst = -1;
        string where = "";
        for (int i = 0; i < n; i++)
        {
            Track(ref maxRaw, expected.Raw[i], actual.Raw[i], $"{ids[i]} raw output");
            Track(ref maxPrediction, expected.Predictions[i], actual.Predictions[i], $"{ids[i]} prediction");
            if (expected.Features[i].Length != actual.Features[i].Length)
                throw new ArgumentException($"{ids[i]}: {expected.Features[i].Length} expected feature components, {actual.Features[i].Length} actual ones.");
            for (int j = 0; j < expected.Features[i].Length; j++)
                Track(ref maxFeature, expected.Features[i][j], actual.Features[i][j], $"{ids[i]} feature[{j}]");
        }
        return new OutputDeviation(n, maxRaw, maxPrediction, maxFeature, where);

        void Track(ref double max, double e, double a, string what)
        {
            double d = Math.Abs(e - a);
            if (double.IsNaN(d)) d = double.PositiveInfinity;
            if (d > max) max = d;
            if (d > worst)
            {
                worst = d;
                where = string.Create(CultureInfo.InvariantCulture, $"{what}: expected {e:R}, got {a:R}");
            }
        }
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Structures} structures: max |Δ| raw {MaxRaw:G3}, prediction {MaxPrediction:G3}, feature {MaxFeature:G3}; worst: {Worst}");
}
