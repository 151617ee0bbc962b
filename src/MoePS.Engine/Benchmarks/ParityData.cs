using System.Text.Json.Serialization;

namespace MoePS.Engine.Benchmarks;

/// <summary>Test-set ids, actual and predicted values of one run (arrays of equal length).</summary>
public sealed class ParityData
{
    [JsonConstructor]
    public ParityData(string[] ids, double[] actual, double[] predicted)
    {
        if (actual.Length != predicted.Length || ids.Length != actual.Length)
            throw new ArgumentException(
                $"Parity data needs equally long arrays: {ids.Length} ids, {actual.Length} actual, {predicted.Length} predicted.");
        Ids = ids;
        Actual = actual;
        Predicted = predicted;
    }

    public string[] Ids { get; }
    public double[] Actual { get; }
    public double[] Predicted { get; }
    public int Count => Actual.Length;

    public override string ToString() => $"{Count} test points";
}
