namespace MoePS.Engine.Training;

/// <summary>Regression metrics over paired predictions and actual values (NaN when there are no pairs).</summary>
public static class Metrics
{
    public static double MeanAbsoluteError(IReadOnlyList<double> predicted, IReadOnlyList<double> actual)
    {
        CheckPaired(predicted, actual);
        return predicted.Count == 0 ? double.NaN : predicted.Zip(actual, (p, a) => Math.Abs(p - a)).Average();
    }

    public static double RootMeanSquaredError(IReadOnlyList<double> predicted, IReadOnlyList<double> actual)
    {
        CheckPaired(predicted, actual);
        return predicted.Count == 0 ? double.NaN : Math.Sqrt(predicted.Zip(actual, (p, a) => (p - a) * (p - a)).Average());
    }

    /// <summary>Coefficient of determination, 1 − SS_res / SS_tot (NaN when the actual values are constant).</summary>
    public static double RSquared(IReadOnlyList<double> predicted, IReadOnlyList<double> actual)
    {
        CheckPaired(predicted, actual);
        if (predicted.Count == 0) return double.NaN;
        double mean = actual.Average();
        double ssTot = actual.Sum(a => (a - mean) * (a - mean));
        double ssRes = predicted.Zip(actual, (p, a) => (p - a) * (p - a)).Sum();
        return ssTot == 0 ? double.NaN : 1 - ssRes / ssTot;
    }

    static void CheckPaired(IReadOnlyList<double> predicted, IReadOnlyList<double> actual)
    {
        if (predicted.Count != actual.Count)
            throw new ArgumentException($"{predicted.Count} predictions but {actual.Count} actual values.");
    }
}
