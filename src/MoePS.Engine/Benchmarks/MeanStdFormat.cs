using System.Globalization;

namespace MoePS.Engine.Benchmarks;

/// <summary>Formats mean ± std like the paper: the mean to three significant digits, the std to the same decimals.</summary>
public static class MeanStdFormat
{
    public static string Format(double mean, double? std)
    {
        if (double.IsNaN(mean) || double.IsInfinity(mean)) return mean.ToString(CultureInfo.InvariantCulture);
        int decimals = Decimals(mean);
        string m = mean.ToString("F" + decimals, CultureInfo.InvariantCulture);
        return std is double s ? m + " ± " + s.ToString("F" + decimals, CultureInfo.InvariantCulture) : m;
    }

    /// <summary>A signed difference ("+0.012", "-0.012") to the decimals <see cref="Format"/> gives <paramref name="scale"/>.</summary>
    public static string Difference(double difference, double scale) =>
        (difference >= 0 ? "+" : "") + difference.ToString("F" + Decimals(scale), CultureInfo.InvariantCulture);

    static int Decimals(double value)
    {
        if (value == 0) return 3;
        int magnitude = (int)Math.Floor(Math.Log10(Math.Abs(value)));
        return Math.Clamp(2 - magnitude, 0, 10);
    }
}
