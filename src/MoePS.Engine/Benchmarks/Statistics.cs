namespace MoePS.Engine.Benchmarks;

/// <summary>Descriptive statistics used by the benchmark summary.</summary>
public static class Statistics
{
    public static double Mean(IReadOnlyList<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("The mean of no values is undefined.", nameof(values));
        double sum = 0;
        foreach (double v in values) sum += v;
        return sum / values.Count;
    }

    /// <summary>Sample standard deviation (n − 1 in the denominator); null for fewer than two values.</summary>
    public static double? SampleStandardDeviation(IReadOnlyList<double> values)
    {
        if (values.Count < 2) return null;
        double mean = Mean(values);
        double ss = 0;
        foreach (double v in values) ss += (v - mean) * (v - mean);
        return Math.Sqrt(ss / (values.Count - 1));
    }

    /// <summary>Improvement of <paramref name="mae"/> over <paramref name="baseline"/> in percent (positive = lower error).</summary>
    public static double ImprovementPercent(double mae, double baseline) => (baseline - mae) / baseline * 100.0;

    /// <summary>Least-squares line y = intercept + slope·x.</summary>
    public static (double Intercept, double Slope) LinearFit(IReadOnlyList<double> xs, IReadOnlyList<double> ys)
    {
        if (xs.Count != ys.Count) throw new ArgumentException("x and y must have the same length.");
        if (xs.Count < 2) throw new ArgumentException("A line needs at least two points.");
        double mx = Mean(xs), my = Mean(ys), sxy = 0, sxx = 0;
        for (int i = 0; i < xs.Count; i++)
        {
            sxy += (xs[i] - mx) * (ys[i] - my);
            sxx += (xs[i] - mx) * (xs[i] - mx);
        }
        if (sxx == 0) throw new ArgumentException("A line needs at least two distinct x values.");
        double slope = sxy / sxx;
        return (my - slope * mx, slope);
    }
}
